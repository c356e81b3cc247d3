package dev.bosun.server.cli;

import static dev.bosun.server.cli.Table.col;

import dev.bosun.client.BosunClient;
import dev.bosun.error.BosunException;
import dev.bosun.wire.DeliveryState;
import dev.bosun.wire.Tile;
import dev.bosun.wire.TilePage;
import dev.bosun.wire.WireJson;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bosun tiles}: the checkpoint tiles made for PLATO and where their delivery stands. */
@Command(
        name = "tiles",
        mixinStandardHelpOptions = true,
        description = "List, show and retry the checkpoint tiles sent to the PLATO server.",
        subcommands = {TilesCommand.ListTiles.class, TilesCommand.Show.class, TilesCommand.Retry.class},
        footer = {
            "",
            "Examples:",
            "  bosun tiles list --state dead          # the dead-letter queue",
            "  bosun tiles list --session sess_01J...",
            "  bosun tiles retry tile_01J..."
        })
final class TilesCommand {

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List tiles: a session's in log order, or all of the tenant's newest first.",
            footer = {
                "",
                "Examples:",
                "  bosun tiles list",
                "  bosun tiles list --state rejected      # what PLATO refused, with its reason",
                "  bosun tiles list --session sess_01J... --json | jq -r '.items[] | [.seq, .state] | @tsv'",
                "",
                "States: pending, delivered, rejected, dead, local. --state lists the tenant's",
                "tiles in that state and cannot be combined with --session (which lists them all)."
            })
    static final class ListTiles implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--session", paramLabel = "ID", description = "Only this session's tiles, in log order.")
        String session;

        @Option(
                names = "--state",
                paramLabel = "S",
                description = "Only tiles in this state: pending, delivered, rejected, dead, local.")
        String state;

        @Mixin
        PageOptions paging;

        @Override
        public Integer call() {
            Optional<DeliveryState> s =
                    Optional.ofNullable(state).map(v -> Args.choice(DeliveryState.class, "--state", v));
            if (session != null && s.isPresent()) {
                throw BosunException.invalid(
                        "--state",
                        "--state cannot be combined with --session: a session's tiles "
                                + "are listed all together, each with its state");
            }
            int n = paging.limit();
            try (BosunClient c = client.connect()) {
                TilePage page =
                        session != null ? c.sessionTiles(session, paging.after(), n) : c.tiles(s, paging.after(), n);
                if (client.json) {
                    // PLATO's health is the server's, not part of a page of tiles (as before bosun-wire).
                    client.printJson(new TilePage(null, page.items(), page.nextCursor(), page.hasMore()));
                    return 0;
                }
                Table t = new Table(
                        col("id", 0),
                        col("session", 0),
                        col("seq", 0),
                        col("kind", 0),
                        col("state", 0),
                        col("attempts", 0),
                        col("plato_id/error", 48),
                        col("created", 0));
                for (Tile d : page.items()) {
                    t.row(
                            d.tileId(),
                            d.sessionId(),
                            Long.toString(d.seq()),
                            d.kind().wire(),
                            d.state().wire(),
                            Integer.toString(d.attempts()),
                            platoIdOrError(d),
                            Table.time(d.createdAt()));
                }
                t.print(client.out());
                PageOptions.hint(client, "tiles", page.hasMore(), page.nextCursor());
                return 0;
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one tile: its delivery state and the tile itself.",
            footer = {
                "",
                "Examples:",
                "  bosun tiles show tile_01J...",
                "  bosun tiles show tile_01J... --json | jq .tile.answer"
            })
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The tile id.")
        String id;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                Tile d = c.tile(id);
                client.print(WireJson.tree(d), () -> describe(d, client));
                return 0;
            }
        }
    }

    @Command(
            name = "retry",
            mixinStandardHelpOptions = true,
            description = "Send a dead or rejected tile again; prints 'ID pending'.",
            footer = {
                "",
                "Examples:",
                "  bosun tiles retry tile_01J...",
                "  bosun tiles list --state dead --json | jq -r '.items[].tile_id' | xargs -n1 bosun tiles retry",
                "",
                "A tile in any other state exits 4 (conflict); an unknown one exits 3."
            })
    static final class Retry implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The tile id.")
        String id;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                Tile d = c.retryTile(id);
                client.print(
                        WireJson.tree(d),
                        () -> client.println(d.tileId() + " " + d.state().wire()));
                return 0;
            }
        }
    }

    /** PLATO's id once delivered, else why not (a delivered tile's note counts as its error here). */
    private static String platoIdOrError(Tile d) {
        if (d.platoId() != null) return d.platoId();
        if (d.lastError() != null) return d.lastError();
        return d.note() == null ? "-" : d.note();
    }

    private static void describe(Tile d, ClientOptions client) {
        Table.fields(client.out(), new String[][] {
            {"id", d.tileId()},
            {"session", d.sessionId()},
            {"seq", Long.toString(d.seq())},
            {"kind", d.kind().wire()},
            {"state", d.state().wire()},
            {"attempts", Integer.toString(d.attempts())},
            {"last status", SessionsCommand.orDash(d.lastStatus())},
            {"last error", d.lastError() != null ? d.lastError() : SessionsCommand.orDash(d.note())},
            {"plato id", SessionsCommand.orDash(d.platoId())},
            {"next attempt", Table.time(d.nextAttemptAt())},
            {"created", Table.time(d.createdAt())},
            {"updated", Table.time(d.updatedAt())},
            {"delivered", Table.time(d.deliveredAt())},
            {"tile", WireJson.write(d.tile())},
        });
    }
}
