package dev.llmc.model.matrix;

import java.util.List;

/**
 * A full-feedback matrix: every expert's label in [0,1] on every prompt ({@code labels[prompt][expert]}), plus the
 * prompt texts. Prompt ids are kept only to report and to join files; they are never a routing feature.
 */
public record RoutingMatrix(String labelName, List<String> promptIds, List<String> prompts, List<String> experts,
        double[][] labels) {

    public RoutingMatrix {
        if (promptIds.size() != prompts.size() || labels.length != prompts.size()) {
            throw new IllegalArgumentException("promptIds, prompts and labels must have one entry per prompt");
        }
        for (double[] row : labels) {
            if (row.length != experts.size()) {
                throw new IllegalArgumentException("every label row needs one value per expert");
            }
        }
    }

    public int promptCount() {
        return prompts.size();
    }

    public int expertCount() {
        return experts.size();
    }

    public double label(int prompt, int expert) {
        return labels[prompt][expert];
    }
}
