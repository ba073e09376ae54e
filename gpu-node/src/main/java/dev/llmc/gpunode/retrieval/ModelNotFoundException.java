package dev.llmc.gpunode.retrieval;

import java.util.Collection;

/** The request names a model this node does not serve; the message lists the ones it does. */
public final class ModelNotFoundException extends RuntimeException {

    ModelNotFoundException(String model, Collection<String> available) {
        super("The model '" + model + "' does not exist on this node; available models: "
                + (available.isEmpty() ? "none" : String.join(", ", available)), null, false, false);
    }
}
