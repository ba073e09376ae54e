package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.model.encoder.ChatTurn;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TurnUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) throws IOException {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void estimatesCharactersOverFourRoundedUpForPromptAndReplyEach() throws IOException {
        // 5 + 4 = 9 characters of prompt → 3 tokens; "héllo wörld" is 11 characters (not 13 bytes) → 3 tokens.
        TurnUsage usage = new TurnUsage(List.of(new ChatTurn("system", "Be nice"), new ChatTurn("user", "Hi")));
        assertEquals(3, usage.promptEstimate());

        usage.countCompletion(json("""
                {"choices": [{"message": {"role": "assistant", "content": "héllo wörld"}}]}"""));

        assertEquals(3 + 3, usage.used());
    }

    @Test
    void countsStreamedDeltasAndToolCallArguments() throws IOException {
        TurnUsage usage = new TurnUsage(List.of(new ChatTurn("user", "12345678")));

        usage.countChunk(json("""
                {"choices": [{"delta": {"role": "assistant", "content": ""}}]}"""));
        usage.countChunk(json("""
                {"choices": [{"delta": {"content": "abcde"}}]}"""));
        usage.countChunk(json("""
                {"choices": [{"delta": {"tool_calls": [{"function": {"arguments": "{\\"a\\":1}"}}]}}]}"""));

        // 8 characters → 2; "abcde" and {"a":1} are 5 + 7 = 12 characters → 3.
        assertEquals(2 + 3, usage.used());
    }

    @Test
    void theNodesReportedUsageWinsOverTheEstimate() throws IOException {
        TurnUsage usage = new TurnUsage(List.of(new ChatTurn("user", "x".repeat(400))));
        usage.countChunk(json("""
                {"choices": [{"delta": {"content": "some words"}}]}"""));

        usage.countChunk(json("""
                {"choices": [], "usage": {"prompt_tokens": 30, "completion_tokens": 10, "total_tokens": 40}}"""));

        assertEquals(40, usage.used());
    }

    @Test
    void aNullOrZeroUsageIsNoReport() throws IOException {
        TurnUsage usage = new TurnUsage(List.of(new ChatTurn("user", "abcd")));

        usage.countChunk(json("""
                {"choices": [{"delta": {"content": "abcd"}}], "usage": null}"""));
        usage.countCompletion(json("""
                {"choices": [], "usage": {"total_tokens": 0}}"""));

        assertEquals(1 + 1, usage.used());
    }

    @Test
    void maxCompletionTokensComesFromEitherFieldWhenItIsAPositiveInteger() throws IOException {
        assertEquals(OptionalLong.of(30), TurnUsage.maxCompletionTokens(json("""
                {"max_tokens": 30}""")));
        assertEquals(OptionalLong.of(20), TurnUsage.maxCompletionTokens(json("""
                {"max_completion_tokens": 20, "max_tokens": 30}""")));
        assertEquals(OptionalLong.empty(), TurnUsage.maxCompletionTokens(json("""
                {"max_tokens": "30"}""")));
        assertEquals(OptionalLong.empty(), TurnUsage.maxCompletionTokens(json("""
                {"max_tokens": -1}""")));
        assertEquals(OptionalLong.empty(), TurnUsage.maxCompletionTokens(json("""
                {"max_tokens": 2.5}""")));
    }
}
