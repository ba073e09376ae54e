package dev.llmc.model.scoring;

import java.util.List;

/** The controller before any training: x_C = e(C) and θ_m = e(description of m), no bias. */
public final class ContentBasedController implements Controller {
    public static final String VERSION = "content";

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public List<ScoredExpert> rank(float[] conversationEmbedding, List<ExpertProfile> experts, int topK) {
        List<ExpertVector> vectors = experts.stream()
                .map(expert -> new ExpertVector(expert.expertId(), expert.contentTheta(), 0f))
                .toList();
        return ExpertScorer.rank(conversationEmbedding, vectors, topK);
    }

    @Override
    public ScoringMatrix layout(List<ExpertProfile> experts) {
        String[] ids = new String[experts.size()];
        float[][] theta = new float[experts.size()][];
        for (int m = 0; m < ids.length; m++) {
            ids[m] = experts.get(m).expertId();
            theta[m] = experts.get(m).contentTheta();
        }
        return ScoringMatrix.linear(ids, theta, new float[ids.length]);
    }
}
