package dev.bosun.config;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which PLATO room names (a tile's {@code domain}) Bosun lets an operator or a session choose
 * ({@code plato_room_names}). The deployed servers disagree with a hierarchical name such as
 * {@code gc/research/scout-reports}: the PLATO Room Server saves a room to {@code rooms/<room>.json} and
 * crashes on a {@code /} (no answer, the tile's hash recorded, so every resend is a "duplicate"), and
 * plato-server stores it but answers {@code 400 Invalid room name} when it is read back, accepting only
 * {@code [A-Za-z0-9._-]+}. So {@link #STRICT}, the default, allows just that.
 */
public enum RoomNames {
    /** Letters, digits, '-', '_' and '.': a room every deployed PLATO server stores and reads back. */
    STRICT,
    /** Also '/'-separated segments, for a PLATO server known to support hierarchical rooms. */
    HIERARCHICAL;

    private static final Pattern FLAT = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern ONLY_DOTS = Pattern.compile("\\.+");
    public static final String STRICT_RULE = "1 to 200 characters of A-Z a-z 0-9 . _ - (not only dots)";

    /**
     * A PLATO room path, the domain of tiles: segments of letters, digits, '.', '_' and '-' joined by
     * '/', none of them '.' or '..', which a server that maps rooms to paths would walk up with.
     */
    public static final Pattern SCOUT_ROOM =
            Pattern.compile("(?=.{1,200}$)(?!(.*/)?\\.\\.?(/|$))[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    public static final String SCOUT_ROOM_RULE =
            "1 to 200 characters: segments of A-Z a-z 0-9 . _ - joined by /, " + "none of them . or ..";

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code room} if this rule allows it, else INVALID_ARGUMENT naming {@code field} with the rule,
     * saying why and what to use instead. {@code room} has passed the general room-path rule already.
     */
    public String check(String field, String room) {
        if (this == HIERARCHICAL) {
            for (String segment : room.split("/", -1)) {
                if (ONLY_DOTS.matcher(segment).matches())
                    throw refused(
                            field,
                            field + " = '" + room
                                    + "' has a segment of only dots, which URL paths rewrite; use letters, digits, '-', '_' and '.'");
            }
            return room;
        }
        if (room.contains("/")) {
            throw refused(
                    field,
                    field + " = '" + room + "' contains '/', which the deployed PLATO servers cannot take "
                            + "(the PLATO Room Server fails to save the room, plato-server cannot read it back: 400 Invalid room name); "
                            + "use letters, digits, '-', '_' and '.' only, e.g. '" + room.replace('/', '-')
                            + "', or set "
                            + "plato_room_names: hierarchical for a PLATO server known to support hierarchical rooms");
        }
        if (!FLAT.matcher(room).matches() || ONLY_DOTS.matcher(room).matches()) {
            throw refused(field, field + " = '" + room + "' is not a PLATO room name; allowed " + STRICT_RULE);
        }
        return room;
    }

    /** Whether {@code room} is one every deployed PLATO server can store and read back. */
    public static boolean portable(String room) {
        return FLAT.matcher(room).matches() && !ONLY_DOTS.matcher(room).matches();
    }

    private BosunException refused(String field, String message) {
        return new BosunException(
                ErrorCode.INVALID_ARGUMENT, message, Map.of("field", field, "rule", "plato_room_names=" + wire()));
    }
}
