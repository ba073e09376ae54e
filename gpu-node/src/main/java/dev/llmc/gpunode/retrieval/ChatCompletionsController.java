package dev.llmc.gpunode.retrieval;

import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.List;

/** OpenAI-compatible {@code POST /v1/chat/completions}, answered by a retrieval model. */
@Controller("/v1/chat/completions")
public class ChatCompletionsController {

    private final RetrievalService service;

    public ChatCompletionsController(RetrievalService service) {
        this.service = service;
    }

    @Post
    @ExecuteOn(TaskExecutors.BLOCKING)
    public ChatCompletionResponse complete(@Body ChatCompletionRequest request) {
        request.requireNonStreaming();
        Completion completion = service.complete(request.requiredModel(), request.turns());
        return new ChatCompletionResponse(completion.id(), "chat.completion", completion.created(), completion.model(),
                List.of(new ChatCompletionResponse.Choice(0,
                        new ChatCompletionResponse.Message("assistant", completion.content()), "stop")),
                new ChatCompletionResponse.Usage(completion.promptTokens(), completion.completionTokens(),
                        completion.promptTokens() + completion.completionTokens()));
    }
}
