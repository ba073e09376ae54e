package dev.llmc.model.encoder;

import java.util.Locale;

/**
 * Which sentence encoder computes e(C) ({@code llmc.encoder.model}). Embeddings of different encoders live in
 * different spaces, so every stored vector that came from one (expert θ, controller artifacts, logged e(C)) carries
 * its {@link #id()}.
 */
public enum EncoderModel {
    /** all-MiniLM-L6-v2, a 6-layer transformer on OnnxRuntime: milliseconds per text on a CPU; what GPUs run. */
    MINILM("minilm", "all-minilm-l6-v2"),
    /** Static token vectors distilled from MiniLM ({@link StaticSentenceEncoder}): no matrix product, mostly tokenizing. */
    STATIC("static", "static-minilm-v2");

    /** The gateway's default on a CPU: the fastest encoder that met the routing-quality bar (docs/encoders.md). */
    public static final String DEFAULT_NAME = "static";

    private final String configName;
    private final String id;

    EncoderModel(String configName, String id) {
        this.configName = configName;
        this.id = id;
    }

    /** The value of {@code llmc.encoder.model} that selects this encoder. */
    public String configName() {
        return configName;
    }

    /** Names the embedding space: stored with every vector this encoder produced. */
    public String id() {
        return id;
    }

    /** {@code static} or {@code minilm}, in any case. */
    public static EncoderModel named(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (EncoderModel model : values()) {
            if (model.configName.equals(wanted)) {
                return model;
            }
        }
        throw new IllegalArgumentException("llmc.encoder.model must be 'static' or 'minilm', was '" + name + "'");
    }
}
