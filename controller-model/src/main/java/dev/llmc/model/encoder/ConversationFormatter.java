package dev.llmc.model.encoder;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Formats a conversation for the encoder: chronological, one line per turn with a role marker ({@code user: ...});
 * when the whole does not fit, drops the oldest turns first, never the latest.
 */
public final class ConversationFormatter {

    private static final int MIN_TOKENS = 8;
    private static final int MAX_TOKENS = 512;

    private final MiniLmTokenizer tokenizer;
    private final int contentBudget;

    /** maxTokens counts the whole model input, [CLS] and [SEP] included, and must be in [8, 512]. */
    public ConversationFormatter(MiniLmTokenizer tokenizer, int maxTokens) {
        if (maxTokens < MIN_TOKENS || maxTokens > MAX_TOKENS) {
            throw new IllegalArgumentException("maxTokens must be in [" + MIN_TOKENS + ", " + MAX_TOKENS + "], was " + maxTokens);
        }
        this.tokenizer = tokenizer;
        this.contentBudget = maxTokens - 2;
    }

    /**
     * Returns the turns that fit, one per line, oldest first. Priority: the latest turn (its end if it alone is too
     * long), then a leading system turn, then the other turns from newest to oldest until one does not fit.
     * Token counts of lines add up because the WordPiece pre-tokenizer splits on the newlines between them.
     */
    public String format(List<ChatTurn> turns) {
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("A conversation needs at least one turn");
        }
        int lastIndex = turns.size() - 1;
        String latest = latestLine(turns.get(lastIndex));
        int budget = contentBudget - tokenizer.countTokens(latest);

        String system = null;
        int firstHistory = 0;
        if (lastIndex > 0 && "system".equals(turns.get(0).role())) {
            firstHistory = 1;
            String line = line(turns.get(0));
            int tokens = tokenizer.countTokens(line);
            if (tokens <= budget) {
                system = line;
                budget -= tokens;
            }
        }

        Deque<String> lines = new ArrayDeque<>();
        lines.add(latest);
        for (int i = lastIndex - 1; i >= firstHistory; i--) {
            String line = line(turns.get(i));
            int tokens = tokenizer.countTokens(line);
            if (tokens > budget) {
                break;
            }
            lines.addFirst(line);
            budget -= tokens;
        }
        if (system != null) {
            lines.addFirst(system);
        }
        return String.join("\n", lines);
    }

    private String latestLine(ChatTurn turn) {
        String line = line(turn);
        if (tokenizer.countTokens(line) <= contentBudget) {
            return line;
        }
        String marker = marker(turn);
        int textBudget = contentBudget - tokenizer.countTokens(marker);
        return textBudget > 0
                ? marker + " " + tokenizer.keepEnd(flatten(turn.text()), textBudget)
                : tokenizer.keepEnd(line, contentBudget);
    }

    private static String line(ChatTurn turn) {
        return marker(turn) + " " + flatten(turn.text());
    }

    private static String marker(ChatTurn turn) {
        return turn.role() + ":";
    }

    /** Keeps one turn per line; the encoder sees line breaks as plain whitespace anyway. */
    private static String flatten(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
