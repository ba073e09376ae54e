package dev.llmc.gpunode.retrieval;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** OpenAI-compatible {@code GET /v1/models}: the retrieval models this node serves. */
@Controller("/v1/models")
public class ModelsController {

    /** Shown as {@code owned_by}, so that clients can tell retrieval experts from generative ones. */
    private static final String OWNER = "llmc-retrieval";

    private final RetrievalService service;

    public ModelsController(RetrievalService service) {
        this.service = service;
    }

    @Get
    public ModelList list() {
        return new ModelList("list", service.models().stream()
                .map(model -> new ModelList.Model(model.name(), "model", model.created(), OWNER))
                .toList());
    }
}
