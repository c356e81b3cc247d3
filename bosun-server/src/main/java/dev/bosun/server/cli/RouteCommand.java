package dev.bosun.server.cli;

import dev.bosun.client.BosunClient;
import dev.bosun.wire.RoutingDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bosun route}: one routing decision for a bare task id. */
@Command(
        name = "route",
        mixinStandardHelpOptions = true,
        description = {
            "Route a task to the registered agent whose link to it raises the fleet graph's",
            "β₁ least (then the least loaded, then the first registered), and link them."
        },
        footer = {
            "",
            "Examples:",
            "  bosun route compile-7 --capability compilation --capability llvm",
            "  bosun route compile-7 --capability compilation --prefer coder-2",
            "  bosun route train-1 --capability gpu --fallback-any --json | jq -r .agent_id",
            "",
            "When no agent has every capability the command exits 4 (NO_CAPABLE_AGENT),",
            "unless --fallback-any is given or the server's route_fallback is 'any'.",
            "Routing the same task again can link it to a second agent."
        })
final class RouteCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task id.")
    String taskId;

    @Option(names = "--capability", paramLabel = "C", description = "A capability the task requires; repeat for more.")
    List<String> capabilities = new ArrayList<>();

    @Option(
            names = "--prefer",
            paramLabel = "A",
            description = "Prefer this agent among the capable ones; repeat for more.")
    List<String> prefer = new ArrayList<>();

    @Option(names = "--fallback-any", description = "When no agent has every capability, consider every agent.")
    boolean fallbackAny;

    @Override
    public Integer call() {
        try (BosunClient c = client.connect()) {
            RoutingDecision d = c.route(taskId, capabilities, prefer, fallbackAny);
            if (client.json) {
                client.printJson(d);
                return 0;
            }
            Table.fields(client.out(), new String[][] {
                {"agent", d.agentId()},
                {"task", d.taskId()},
                {"h1", d.h1Before() + " -> " + d.h1After()},
                {"confidence", number(d.confidence())},
                {"emergence risk", number(d.emergenceRisk())},
                {"match", number(d.capabilityMatchScore())},
                {"reasoning", d.reasoning()},
            });
            return 0;
        }
    }

    private static String number(double d) {
        return String.format(Locale.ROOT, "%.3f", d).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
