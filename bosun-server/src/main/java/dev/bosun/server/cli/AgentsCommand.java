package dev.bosun.server.cli;

import static dev.bosun.server.cli.Table.col;

import dev.bosun.client.BosunClient;
import dev.bosun.wire.Agent;
import dev.bosun.wire.Items;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bosun agents}: the fleet's agent registry on a running server (the API key's tenant's). */
@Command(
        name = "agents",
        mixinStandardHelpOptions = true,
        description = "Register, list, show and remove the agents tasks are routed to.",
        subcommands = {
            AgentsCommand.Register.class,
            AgentsCommand.ListAgents.class,
            AgentsCommand.Show.class,
            AgentsCommand.Remove.class
        },
        footer = {
            "",
            "Examples:",
            "  bosun agents register coder --capability compilation --capability llvm",
            "  bosun agents list",
            "  bosun agents remove coder"
        })
final class AgentsCommand {

    @Command(
            name = "register",
            mixinStandardHelpOptions = true,
            description = "Register an agent, or replace the capabilities of one registered already; prints its id.",
            footer = {
                "",
                "Examples:",
                "  bosun agents register coder --capability compilation --capability llvm",
                "  bosun agents register coder --capability compilation   # now only compilation",
                "",
                "An agent keeps its place in the registration order (which breaks routing ties)",
                "when it registers again. At most 256 capabilities; a bad one exits 2."
            })
    static final class Register implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The agent id.")
        String id;

        @Option(names = "--capability", paramLabel = "C", description = "A capability it has; repeat for more.")
        List<String> capabilities = new ArrayList<>();

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                Agent a = c.registerAgent(id, capabilities);
                if (client.json) client.printJson(a);
                else client.out().println(a.agentId());
                return 0;
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the agents in registration order, with their load (running session tasks).",
            footer = {
                "",
                "Examples:",
                "  bosun agents list",
                "  bosun agents list --json | jq -r '.items[] | select(.load == 0) | .agent_id'"
            })
    static final class ListAgents implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                List<Agent> agents = c.agents();
                if (client.json) {
                    client.printJson(new Items<>(agents));
                    return 0;
                }
                Table t = new Table(
                        col("id", 0),
                        col("load", 0),
                        col("capabilities", 48),
                        col("registered", 0),
                        col("last_seen", 0));
                for (Agent a : agents) {
                    t.row(
                            a.agentId(),
                            Integer.toString(a.load()),
                            String.join(",", a.capabilities()),
                            Table.time(a.registeredAt()),
                            Table.time(a.lastSeenAt()));
                }
                t.print(client.out());
                return 0;
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one agent.",
            footer = {
                "",
                "Examples:",
                "  bosun agents show coder",
                "  bosun agents show coder --json | jq .load",
                "",
                "An agent this API key's tenant has not registered exits 3."
            })
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The agent id.")
        String id;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                Agent a = c.agent(id);
                if (client.json) {
                    client.printJson(a);
                    return 0;
                }
                Table.fields(client.out(), new String[][] {
                    {"id", a.agentId()},
                    {"capabilities", String.join(", ", a.capabilities())},
                    {"load", a.load() + " running task" + (a.load() == 1 ? "" : "s")},
                    {"registered", Table.time(a.registeredAt())},
                    {"updated", Table.time(a.updatedAt())},
                    {"last seen", Table.time(a.lastSeenAt())},
                });
                return 0;
            }
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Unregister an agent: it is no longer chosen. Prints 'ID removed'.",
            footer = {
                "",
                "Examples:",
                "  bosun agents remove coder",
                "",
                "Tasks already routed to it keep their edges in the fleet graph until the window",
                "drops them. An unknown agent exits 3. With --json nothing is printed (the server",
                "answers 204 without a body)."
            })
    static final class Remove implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The agent id.")
        String id;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                c.unregisterAgent(id);
                if (!client.json) client.out().println(id + " removed");
                client.out().flush();
                return 0;
            }
        }
    }
}
