package dev.llmc.gateway.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.registry.ExpertNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Chat completions from one expert node; failures arrive as {@link UpstreamException}s whose kind says what happened
 * ({@link ExpertNodeClient} over HTTP). The seam {@link Failover} calls through.
 */
interface NodeClient {

    /** One non-streaming completion. */
    Mono<ObjectNode> complete(ExpertNode node, ObjectNode request);

    /** The streamed completion, one parsed chunk per item. */
    Flux<ObjectNode> stream(ExpertNode node, ObjectNode request);
}
