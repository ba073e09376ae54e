package dev.llmc.gateway.chat;

import dev.llmc.registry.ExpertCatalog;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.ArrayList;
import java.util.List;

/** OpenAI-compatible model list: {@code auto} (the controller chooses) and every active expert. */
@RequiresRole(Caller.Role.APP)
@Controller("/v1/models")
final class ModelsController {
    private final ExpertCatalog catalog;

    ModelsController(ExpertCatalog catalog) {
        this.catalog = catalog;
    }

    /** One entry of the model list. */
    record Model(String id, String object, long created, String ownedBy) {
    }

    /** The model list. */
    record ModelList(String object, List<Model> data) {
    }

    @Get
    ModelList list() {
        List<Model> models = new ArrayList<>();
        models.add(new Model(ChatCompletionsController.AUTO, "model", 0, "llmc"));
        catalog.active().forEach(expert ->
                models.add(new Model(expert.name(), "model", expert.createdAt().getEpochSecond(), expert.owner())));
        return new ModelList("list", models);
    }
}
