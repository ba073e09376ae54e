package dev.llmc.gpunode.retrieval;

import dev.llmc.gpunode.replay.ReplayExperts;
import dev.llmc.model.encoder.ChatTurn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;

/** OpenAI-compatible {@code POST /v1/chat/completions}, answered by a retrieval model or a replay expert, streaming or not. */
@Controller("/v1/chat/completions")
public class ChatCompletionsController {

    private static final String DONE = "[DONE]";
    private final RetrievalService service;
    private final ReplayExperts replay;
    private final ObjectMapper mapper;

    public ChatCompletionsController(RetrievalService service, ReplayExperts replay, ObjectMapper mapper) {
        this.service = service;
        this.replay = replay;
        this.mapper = mapper;
    }

    /** A JSON completion, or with {@code "stream": true} the same completion as server-sent chunks ending in [DONE]. */
    @Post
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> complete(@Body ChatCompletionRequest request) {
        String model = request.requiredModel();
        List<ChatTurn> turns = request.turns();
        Completion completion;
        if (replay.serves(model)) {
            completion = replay.complete(model, turns);
        } else if (service.serves(model)) {
            completion = service.complete(model, turns);
        } else {
            List<String> available = new ArrayList<>(service.models().stream().map(ModelInfo::name).toList());
            available.addAll(replay.names());
            throw new ModelNotFoundException(model, available);
        }
        if (request.streaming()) {
            List<Event<String>> events = new ArrayList<>();
            CompletionChunks.of(completion, request.includeUsage(), mapper).forEach(chunk -> events.add(Event.of(chunk)));
            events.add(Event.of(DONE));
            return HttpResponse.ok(Flux.fromIterable(events)).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
        }
        return HttpResponse.ok(response(completion));
    }

    private static ChatCompletionResponse response(Completion completion) {
        return new ChatCompletionResponse(completion.id(), "chat.completion", completion.created(), completion.model(),
                List.of(new ChatCompletionResponse.Choice(0,
                        new ChatCompletionResponse.Message("assistant", completion.content()), "stop")),
                new ChatCompletionResponse.Usage(completion.promptTokens(), completion.completionTokens(),
                        completion.promptTokens() + completion.completionTokens()));
    }
}
