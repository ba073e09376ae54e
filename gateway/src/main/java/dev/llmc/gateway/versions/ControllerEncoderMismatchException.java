package dev.llmc.gateway.versions;

import dev.llmc.gateway.GatewayException;

/** A trained controller scores e(C) of the encoder it was trained on; this gateway encodes with another one. */
public final class ControllerEncoderMismatchException extends GatewayException {
    public ControllerEncoderMismatchException(String version, String trainedOn, String serving) {
        super("controller version '" + version + "' was trained on " + trainedOn + " embeddings, but this gateway encodes"
                + " with " + serving + " (llmc.encoder.model); train a version on this encoder's traffic", null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
