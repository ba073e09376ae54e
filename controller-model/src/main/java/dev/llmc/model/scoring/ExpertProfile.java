package dev.llmc.model.scoring;

/** What the controller knows of an expert without feedback: its id and content θ = e(description) (384-d). */
public record ExpertProfile(String expertId, float[] contentTheta) {
}
