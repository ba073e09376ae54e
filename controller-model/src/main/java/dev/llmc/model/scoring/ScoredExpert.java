package dev.llmc.model.scoring;

/** An expert's score for one conversation: score(m|C) = θ_m · x_C + b_m. */
public record ScoredExpert(String expertId, double score) {
}
