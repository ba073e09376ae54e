package dev.llmc.gpunode.embeddings;

import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.ArrayList;
import java.util.List;

/** OpenAI-compatible {@code POST /v1/embeddings}. */
@Controller("/v1/embeddings")
public class EmbeddingsController {

    private final EmbeddingService service;

    public EmbeddingsController(EmbeddingService service) {
        this.service = service;
    }

    @Post
    @ExecuteOn(TaskExecutors.BLOCKING)
    public EmbeddingResponse embed(@Body EmbeddingRequest request) {
        List<String> texts = request.texts();
        EncodingFormat format = request.format();
        Embeddings embeddings = service.embed(texts);
        List<EmbeddingResponse.Item> items = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            items.add(new EmbeddingResponse.Item("embedding", i, format.encode(embeddings.vectors().get(i))));
        }
        return new EmbeddingResponse("list", items, service.encoderId(),
                new EmbeddingResponse.Usage(embeddings.tokens(), embeddings.tokens()));
    }
}
