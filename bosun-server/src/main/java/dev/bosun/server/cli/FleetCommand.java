package dev.bosun.server.cli;

import dev.bosun.client.BosunClient;
import dev.bosun.wire.FleetStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bosun fleet}: the fleet graph of the API key's tenant. */
@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        description = "The fleet graph: agents and tasks joined by routing decisions, and its β₁.",
        subcommands = {FleetCommand.Status.class, FleetCommand.Reset.class},
        footer = {
            "",
            "Examples:",
            "  bosun fleet status",
            "  bosun fleet status --json | jq .emergence",
            "  bosun fleet reset"
        })
final class FleetCommand {

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Print the graph's figures: agents, tasks, edges, β₁, the emergence threshold and margin.",
            footer = {"", "Examples:", "  bosun fleet status", "  bosun fleet status --json | jq '.h1, .threshold'"})
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                print(c.fleetStatus(), client);
                return 0;
            }
        }
    }

    @Command(
            name = "reset",
            mixinStandardHelpOptions = true,
            description = "Delete every edge of the graph (agents stay registered); prints the status after.",
            footer = {
                "",
                "Examples:",
                "  bosun fleet reset",
                "",
                "The routing history is gone for good; the next crossing into emergence alerts again."
            })
    static final class Reset implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                print(c.resetFleet(), client);
                return 0;
            }
        }
    }

    private static void print(FleetStatus s, ClientOptions client) {
        if (client.json) {
            client.printJson(s);
            return;
        }
        PrintWriter out = client.out();
        Table.fields(out, new String[][] {
            {"agents", Integer.toString(s.agents())},
            {"tasks", Integer.toString(s.tasks())},
            {"edges", Integer.toString(s.edges())},
            {"vertices", Integer.toString(s.vertices())},
            {"components", Integer.toString(s.components())},
            {"h1", Long.toString(s.h1())},
            {"threshold", Long.toString(s.threshold())},
            {"margin", Long.toString(s.margin())},
            {"emergence", s.emergence() ? "yes" : "no"},
            {"laman margin", Long.toString(s.lamanMargin())},
            {"description", s.description()},
        });
    }
}
