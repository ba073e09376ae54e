package dev.llmc.model.encoder;

import java.util.List;

/** Turns texts into L2-normalised sentence embeddings; the seam between the in-process engine and a remote gpu-node. */
public interface SentenceEncoder extends AutoCloseable {

    /** Length of every embedding this encoder returns (384 for all-MiniLM-L6-v2). */
    int dimension();

    /** The embedding space's name ({@link EncoderModel#id()}): vectors of two encoders with different ids never mix. */
    String id();

    /**
     * Embeds each text; element i of the result belongs to texts.get(i). Texts longer than the encoder's
     * token limit keep their end (the latest turns of a conversation carry the routing signal).
     */
    List<float[]> embed(List<String> texts);

    /** Embeds one text. */
    default float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }

    @Override
    void close();
}
