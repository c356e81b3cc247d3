package dev.bosun.config;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Checkpoint tiles for a PLATO knowledge server: what the tiles say and where they go.
 *
 * @param emit            send tiles to PLATO; when false (or without {@code platoUrl}) tiles are still
 *                        derived and visible through the API, in state {@code local}
 * @param platoUrl        the PLATO server; tiles are POSTed to {@code {platoUrl}/submit}
 * @param platoApiKey     sent as {@code Authorization: Bearer …} when set
 * @param scoutRoom       the tiles' {@code domain} (sessions may override it)
 * @param source          the tiles' {@code source}
 * @param answerFormat    how {@code answer} goes on the wire
 * @param roomNames       which room names {@code scoutRoom} and sessions' own rooms may have
 * @param confidenceStart confidence of SESSION_START tiles
 * @param confidenceTask  confidence of TASK_START and TASK_END tiles
 * @param confidenceEnd   confidence of SESSION_END and SESSION_ERROR tiles
 * @param confidenceAlert confidence of EMERGENCE ALERT tiles
 */
public record TileSettings(
        boolean emit,
        Optional<URI> platoUrl,
        Optional<String> platoApiKey,
        String scoutRoom,
        String source,
        AnswerFormat answerFormat,
        RoomNames roomNames,
        double confidenceStart,
        double confidenceTask,
        double confidenceEnd,
        double confidenceAlert) {

    /** Whether tiles leave this node at all. */
    public boolean sending() {
        return emit && platoUrl.isPresent();
    }

    @Override
    public String toString() {
        // The key is a credential: never in a log line or an error.
        return "TileSettings[emit=" + emit + ", platoUrl="
                + platoUrl.map(URI::toString).orElse("none")
                + ", platoApiKey=" + (platoApiKey.isPresent() ? "***" : "none") + ", scoutRoom=" + scoutRoom
                + ", source=" + source + ", answerFormat=" + answerFormat.wire() + ", roomNames=" + roomNames.wire()
                + "]";
    }

    /**
     * How a tile's {@code answer} is sent. Deployed PLATO servers measure the answer's length and hash
     * question + answer, so they need a string: {@link #STRING} sends the answer object JSON-encoded.
     * Neither deployed server takes {@link #OBJECT} (the Room Server measures the object's key count:
     * "Answer too short"; plato-server crashes on it), so Bosun warns when it is set.
     */
    public enum AnswerFormat {
        STRING,
        OBJECT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
