package dev.llmc.gateway.testing;

import java.util.ArrayList;
import java.util.List;

/** Parses a complete {@code text/event-stream} body the way a browser's EventSource would, for assertions. */
public final class ServerSentEvents {
    private ServerSentEvents() {
    }

    /** One event: its {@code event:} name ("message" when unnamed) and its data lines joined by newlines. */
    public record Event(String name, String data) {
    }

    public static List<Event> parse(String body) {
        List<Event> events = new ArrayList<>();
        String name = "message";
        StringBuilder data = null;
        for (String line : (body + "\n\n").split("\r?\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name, data.toString()));
                }
                name = "message";
                data = null;
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return events;
    }
}
