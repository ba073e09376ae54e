package dev.llmc.gpunode;

import io.micronaut.runtime.Micronaut;

/** Starts the gpu-node: the sentence encoder behind {@code /v1/embeddings} and the retrieval experts behind {@code /v1/chat/completions}. */
public final class GpuNodeApplication {

    private GpuNodeApplication() {
    }

    public static void main(String[] args) {
        // The encoder's weights ship in a jar; DJL must never try to reach a model hub.
        System.setProperty("ai.djl.offline", "true");
        Micronaut.run(GpuNodeApplication.class, args);
    }
}
