package dev.llmc.model.scoring;

/** An expert's parameters in the controller: feature vector θ_m and bias b_m, keyed by the expert's id. */
public record ExpertVector(String expertId, float[] theta, float bias) {
}
