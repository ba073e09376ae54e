package dev.llmc.gpunode.retrieval;

import dev.llmc.gpunode.replay.ReplayExperts;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** OpenAI-compatible {@code GET /v1/models}: the retrieval models and replay experts this node serves. */
@Controller("/v1/models")
public class ModelsController {

    /** Shown as {@code owned_by}, so that clients can tell retrieval and replay experts from generative ones. */
    private static final String OWNER = "llmc-retrieval";
    private static final String REPLAY_OWNER = "llmc-replay";

    private final RetrievalService service;
    private final ReplayExperts replay;
    private final long startedAt = Instant.now().getEpochSecond();

    public ModelsController(RetrievalService service, ReplayExperts replay) {
        this.service = service;
        this.replay = replay;
    }

    @Get
    public ModelList list() {
        List<ModelList.Model> models = new ArrayList<>(service.models().stream()
                .map(model -> new ModelList.Model(model.name(), "model", model.created(), OWNER))
                .toList());
        replay.names().forEach(name -> models.add(new ModelList.Model(name, "model", startedAt, REPLAY_OWNER)));
        return new ModelList("list", models);
    }
}
