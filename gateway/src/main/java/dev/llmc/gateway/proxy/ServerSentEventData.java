package dev.llmc.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code data} of server-sent events from a byte stream that arrives in arbitrary pieces (a piece may end
 * inside a line, or inside a multi-byte character). One per stream, fed in order. Lines other than {@code data:}
 * (comments, {@code event:}, {@code id:}) are skipped; an event's data lines are joined with line feeds.
 */
final class ServerSentEventData {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** The data of every event that {@code bytes} completes. */
    List<String> feed(byte[] bytes) {
        List<String> events = new ArrayList<>(1);
        for (byte b : bytes) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            byte[] raw = line.toByteArray();
            line.reset();
            int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
            if (length == 0) {
                if (hasData) {
                    events.add(data.toString());
                }
                data.setLength(0);
                hasData = false;
            } else {
                String text = new String(raw, 0, length, StandardCharsets.UTF_8);
                if (text.startsWith("data:")) {
                    if (hasData) {
                        data.append('\n');
                    }
                    // The format drops one space after the colon; the rest of the value is kept as sent.
                    data.append(text, text.startsWith("data: ") ? 6 : 5, text.length());
                    hasData = true;
                }
            }
        }
        return events;
    }
}
