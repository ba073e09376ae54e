package dev.llmc.gpunode.replay;

/** A replay expert was asked a prompt its matrix has no recorded answer for (404 {@code prompt_not_found}). */
public final class PromptNotFoundException extends RuntimeException {

    PromptNotFoundException(String message) {
        super(message, null, false, false);
    }
}
