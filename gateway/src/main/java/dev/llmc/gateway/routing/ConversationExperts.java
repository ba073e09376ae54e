package dev.llmc.gateway.routing;

import java.util.Optional;

/** Which expert answered each conversation's last turn, forgotten after a time-to-live; shared by replicas when in Redis. */
public interface ConversationExperts {

    /** The expert id recorded for the conversation; empty when none is (or the store cannot say right now). */
    Optional<String> get(String conversationId);

    /** Records the conversation's expert, restarting its time-to-live; never blocks the request on I/O. */
    void put(String conversationId, String expertId);
}
