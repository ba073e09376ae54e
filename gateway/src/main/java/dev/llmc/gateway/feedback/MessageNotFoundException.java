package dev.llmc.gateway.feedback;

import dev.llmc.gateway.GatewayException;

/** Feedback names a message that does not exist, or that belongs to another owner (answered alike). */
public final class MessageNotFoundException extends GatewayException {
    public MessageNotFoundException(String messageId) {
        super("no message '" + messageId + "'; feedback refers to the message_id of a /chat reply (the id of a "
                + "/v1/chat/completions reply)", "message_id", null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
