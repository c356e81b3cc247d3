package dev.bosun.tile;

import dev.bosun.config.RoomNames;
import dev.bosun.config.TileSettings;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the deployed PLATO servers (the PLATO Room Server, plato-server) will not accept in a tile
 * configuration, in words an operator can act on: said in the log at start and by {@code bosun doctor},
 * which submits nothing.
 */
public final class PlatoCompatibility {
    private static final Logger log = LoggerFactory.getLogger(PlatoCompatibility.class);

    private PlatoCompatibility() {}

    /** A problem with the configuration; {@code fatal} when no deployed server accepts any tile so configured. */
    public record Problem(String setting, boolean fatal, String message) {}

    public static List<Problem> problems(TileSettings t) {
        var out = new ArrayList<Problem>();
        if (t.answerFormat() == TileSettings.AnswerFormat.OBJECT) {
            out.add(
                    new Problem(
                            "answer_format",
                            true,
                            "answer_format is object, which neither deployed PLATO server "
                                    + "accepts: the PLATO Room Server measures the object's keys and refuses every tile as 'Answer too short', "
                                    + "plato-server fails on it without an answer (its target is then paused); use answer_format: string"));
        }
        if (!RoomNames.portable(t.scoutRoom())) {
            out.add(new Problem(
                    "scout_room",
                    false,
                    "scout_room '" + t.scoutRoom() + "' is hierarchical (plato_room_names: "
                            + t.roomNames().wire()
                            + "): the PLATO Room Server cannot save such a room and plato-server cannot read it "
                            + "back; only a PLATO server known to support hierarchical rooms takes it"));
        }
        return out;
    }

    /** Logs each problem once, at start, when tiles are sent. */
    public static void warnAtStart(TileSettings t) {
        if (!t.sending()) return;
        for (Problem p : problems(t)) log.warn("tiles: {}", p.message());
    }
}
