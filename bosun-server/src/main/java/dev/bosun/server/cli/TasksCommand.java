package dev.bosun.server.cli;

import static dev.bosun.server.cli.Table.col;

import dev.bosun.client.BosunClient;
import dev.bosun.error.BosunException;
import dev.bosun.wire.AddTask;
import dev.bosun.wire.CompleteTask;
import dev.bosun.wire.Items;
import dev.bosun.wire.Task;
import dev.bosun.wire.TaskOutcome;
import dev.bosun.wire.TaskPriority;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bosun tasks}: the tasks of a session on a running server. */
@Command(
        name = "tasks",
        mixinStandardHelpOptions = true,
        description = "Add, complete and list the tasks of a session on a running Bosun server.",
        subcommands = {TasksCommand.Add.class, TasksCommand.Complete.class, TasksCommand.ListTasks.class},
        footer = {
            "",
            "Examples:",
            "  bosun tasks add sess_01J... --name compile --id compile-1 --priority high",
            "  bosun tasks complete sess_01J... compile-1 --outcome success",
            "  bosun tasks list sess_01J... --active"
        })
final class TasksCommand {

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Add a running task to a session; prints its id.",
            footer = {
                "",
                "Examples:",
                "  bosun tasks add sess_01J... --name compile",
                "  bosun tasks add sess_01J... --name compile --id c1 --data '{\"target\":1}' \\",
                "      --priority high --capability compilation --capability llvm",
                "",
                "A task id already used in the session is a conflict (exit 4); the session's",
                "--max-tasks cap is a limit (exit 6)."
            })
    static final class Add implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
        String session;

        @Option(names = "--name", required = true, paramLabel = "N", description = "The task's name.")
        String name;

        @Option(
                names = "--id",
                paramLabel = "ID",
                description = "The task id, unique in the session (default: generated).")
        String id;

        @Option(names = "--data", paramLabel = "JSON", description = "The task's input, any JSON.")
        String data;

        @Option(names = "--priority", paramLabel = "P", description = "low, normal (default), high or critical.")
        String priority;

        @Option(
                names = "--capability",
                paramLabel = "C",
                description = "A capability the task requires; repeat for more.")
        List<String> capabilities = new ArrayList<>();

        @Override
        public Integer call() {
            AddTask b = new AddTask(
                    id,
                    name,
                    data == null ? null : Args.json("--data", data),
                    priority == null ? null : Args.choice(TaskPriority.class, "--priority", priority),
                    capabilities.isEmpty() ? null : capabilities);
            try (BosunClient c = client.connect()) {
                Task t = c.addTask(session, b);
                if (client.json) client.printJson(t);
                else client.out().println(t.taskId());
                return 0;
            }
        }
    }

    @Command(
            name = "complete",
            mixinStandardHelpOptions = true,
            description = "Complete a running task with an outcome.",
            footer = {
                "",
                "Examples:",
                "  bosun tasks complete sess_01J... c1 --outcome success --result '{\"ok\":1}'",
                "  bosun tasks complete sess_01J... c1 --outcome success --duration-ms 5200",
                "  bosun tasks complete sess_01J... c1 --outcome failed --error 'no libc'",
                "",
                "Without --duration-ms Bosun measures from the task's start.",
                "Completing a task twice is a conflict (exit 4)."
            })
    static final class Complete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
        String session;

        @Parameters(index = "1", paramLabel = "TASK", description = "The task id.")
        String task;

        @Option(
                names = "--outcome",
                required = true,
                paramLabel = "O",
                description = "success, failed, cancelled or timeout.")
        String outcome;

        @Option(names = "--duration-ms", paramLabel = "N", description = "How long the task took, in milliseconds.")
        Long durationMs;

        @Option(names = "--result", paramLabel = "JSON", description = "The task's result, any JSON.")
        String result;

        @Option(names = "--error", paramLabel = "E", description = "What went wrong.")
        String error;

        @Override
        public Integer call() {
            TaskOutcome o = Args.choice(TaskOutcome.class, "--outcome", outcome);
            if (durationMs != null && durationMs < 0)
                throw BosunException.invalid("--duration-ms", "--duration-ms may not be negative");
            CompleteTask done =
                    new CompleteTask(o, durationMs, result == null ? null : Args.json("--result", result), error);
            try (BosunClient c = client.connect()) {
                Task t = c.completeTask(session, task, done);
                if (client.json) client.printJson(t);
                else client.out().println(t.taskId() + " " + t.status().wire() + duration(t));
                return 0;
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List a session's tasks.",
            footer = {
                "",
                "Examples:",
                "  bosun tasks list sess_01J...",
                "  bosun tasks list sess_01J... --active --json | jq -r '.items[].task_id'"
            })
    static final class ListTasks implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
        String session;

        @Option(names = "--active", description = "Only the tasks still running.")
        boolean active;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                List<Task> tasks = c.tasks(session, active);
                if (client.json) {
                    client.printJson(new Items<>(tasks));
                    return 0;
                }
                Table t = new Table(
                        col("id", 0),
                        col("status", 0),
                        col("name", 32),
                        col("priority", 0),
                        col("capabilities", 32),
                        col("duration", 0),
                        col("created", 0));
                for (Task k : tasks) {
                    t.row(
                            k.taskId(),
                            k.status().wire(),
                            k.name(),
                            k.priority().wire(),
                            String.join(",", k.requiredCapabilities()),
                            k.durationMs() == null ? "-" : k.durationMs() + " ms",
                            Table.time(k.createdAt()));
                }
                t.print(client.out());
                return 0;
            }
        }
    }

    private static String duration(Task t) {
        return t.durationMs() == null ? "" : " in " + t.durationMs() + " ms";
    }
}
