package dev.llmc.model.encoder;

/** One turn of a conversation as the encoder sees it: a role ({@code system}, {@code user}, {@code assistant}, {@code tool}) and its plain text. */
public record ChatTurn(String role, String text) {
}
