package dev.llmc.abtest.signal;

import java.util.Arrays;
import java.util.Optional;

/** What a user did about a message: rated it, asked for another reply, or ended the conversation there. */
public enum SignalType {
    RATING, RETRY, END;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<SignalType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName().equals(name)).findFirst();
    }
}
