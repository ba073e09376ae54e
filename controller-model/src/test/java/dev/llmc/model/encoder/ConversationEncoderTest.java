package dev.llmc.model.encoder;

import static dev.llmc.model.encoder.TestModels.ENCODER;
import static dev.llmc.model.encoder.TestModels.TOKENIZER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationEncoderTest {

    private final ConversationFormatter formatter = new ConversationFormatter(TOKENIZER, TestModels.MAX_TOKENS);
    private final ConversationEncoder encoder = new ConversationEncoder(formatter, ENCODER);

    @Test
    void embedsTheFormattedConversation() {
        List<ChatTurn> turns = List.of(new ChatTurn("user", "How do I knead dough?"), new ChatTurn("assistant", "Push and fold."));

        assertArrayEquals(ENCODER.embed("user: How do I knead dough?\nassistant: Push and fold."), encoder.encode(turns));
    }

    @Test
    void staticEncoderEmbedsTheFormattersTokensAsItWouldEmbedTheFormattedText() {
        StaticSentenceEncoder tokenVectors = StaticSentenceEncoder.load(TOKENIZER, TestModels.MAX_TOKENS);
        ConversationEncoder staticEncoder = new ConversationEncoder(formatter, tokenVectors);
        List<ChatTurn> turns = List.of(new ChatTurn("system", "You are a baker."), new ChatTurn("user", "How do I knead dough?"),
                new ChatTurn("assistant", "Push and fold."), new ChatTurn("user", "Why does it tear? " + "Really. ".repeat(200)));

        assertArrayEquals(tokenVectors.embed(formatter.format(turns)), staticEncoder.encode(turns));
    }

    @Test
    void hasTheSentenceEncodersDimension() {
        assertEquals(384, encoder.dimension());
    }
}
