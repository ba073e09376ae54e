package dev.llmc.model.encoder;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Formats a conversation for the encoder: chronological, one line per turn with a role marker ({@code user: ...});
 * when the whole does not fit, drops the oldest turns first, never the latest. Each line is tokenized once: the
 * text ({@link #format}) and its tokens ({@link #formatTokens}) come from the same pass.
 */
public final class ConversationFormatter {

    private static final int MIN_TOKENS = 8;
    private static final int MAX_TOKENS = 512;
    private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\R\\s*");

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
     */
    public String format(List<ChatTurn> turns) {
        return String.join("\n", select(turns).stream().map(Line::text).toList());
    }

    /**
     * The content token ids of {@link #format}'s text (no [CLS] and [SEP]), equal to tokenizing that text but without
     * doing it again: token counts of lines add up because the WordPiece pre-tokenizer splits on the newlines.
     */
    public int[] formatTokens(List<ChatTurn> turns) {
        Deque<Line> lines = select(turns);
        int[] ids = new int[lines.stream().mapToInt(line -> line.ids().length).sum()];
        int at = 0;
        for (Line line : lines) {
            System.arraycopy(line.ids(), 0, ids, at, line.ids().length);
            at += line.ids().length;
        }
        return ids;
    }

    private Deque<Line> select(List<ChatTurn> turns) {
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("A conversation needs at least one turn");
        }
        int lastIndex = turns.size() - 1;
        Line latest = latestLine(turns.get(lastIndex));
        int budget = contentBudget - latest.ids().length;

        Line system = null;
        int firstHistory = 0;
        if (lastIndex > 0 && "system".equals(turns.get(0).role())) {
            firstHistory = 1;
            Line line = line(turns.get(0));
            if (line.ids().length <= budget) {
                system = line;
                budget -= line.ids().length;
            }
        }

        Deque<Line> lines = new ArrayDeque<>();
        lines.add(latest);
        for (int i = lastIndex - 1; i >= firstHistory; i--) {
            Line line = line(turns.get(i));
            if (line.ids().length > budget) {
                break;
            }
            lines.addFirst(line);
            budget -= line.ids().length;
        }
        if (system != null) {
            lines.addFirst(system);
        }
        return lines;
    }

    /**
     * The latest turn's line, or when it alone is too long the marker and the longest end of the text that fits
     * ({@link MiniLmTokenizer#keepEnd}); the line's tokens are the marker's, then the text's, because a space
     * separates them.
     */
    private Line latestLine(ChatTurn turn) {
        String marker = marker(turn);
        String text = marker + " " + flatten(turn.text());
        WordPieceTokenizer.Tokens tokens = tokenizer.tokenize(text);
        int size = tokens.size();
        if (size <= contentBudget) {
            return new Line(text, tokens.ids());
        }
        int markerTokens = 0;
        while (markerTokens < size && tokens.starts()[markerTokens] < marker.length()) {
            markerTokens++;
        }
        int textBudget = contentBudget - markerTokens;
        if (textBudget <= 0) {
            int first = tokenizer.firstKept(tokens, 0, contentBudget);
            return new Line(first == size ? "" : text.substring(tokens.starts()[first]), Arrays.copyOfRange(tokens.ids(), first, size));
        }
        int first = tokenizer.firstKept(tokens, markerTokens, textBudget);
        int[] ids = new int[markerTokens + size - first];
        System.arraycopy(tokens.ids(), 0, ids, 0, markerTokens);
        System.arraycopy(tokens.ids(), first, ids, markerTokens, size - first);
        return new Line(marker + " " + (first == size ? "" : text.substring(tokens.starts()[first])), ids);
    }

    private Line line(ChatTurn turn) {
        String text = marker(turn) + " " + flatten(turn.text());
        return new Line(text, tokenizer.tokenize(text).ids());
    }

    private static String marker(ChatTurn turn) {
        return turn.role() + ":";
    }

    /** Keeps one turn per line; the encoder sees line breaks as plain whitespace anyway. */
    private static String flatten(String text) {
        String stripped = text.strip();
        return hasLineBreak(stripped) ? LINE_BREAK.matcher(stripped).replaceAll(" ") : stripped;
    }

    /** Whether {@code \R} can match: most turns have no line break, and the regular expression costs more than the tokenizer. */
    private static boolean hasLineBreak(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= '\n' && c <= '\r') || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    /** One formatted turn and its content token ids. */
    private record Line(String text, int[] ids) {
    }
}
