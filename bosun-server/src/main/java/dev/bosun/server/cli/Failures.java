package dev.bosun.server.cli;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import picocli.CommandLine;

/** Turns failures into one line on stderr and an exit code that means something; no stack traces. */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    static int exitCode(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> 2;
            case NOT_FOUND -> 3;
            case CONFLICT, NO_CAPABLE_AGENT -> 4;
            case UNAUTHENTICATED -> 5;
            case LIMIT_REACHED, PAYLOAD_TOO_LARGE -> 6;
            case SESSIONS_DISABLED -> 7;
            case UNAVAILABLE, INTERNAL -> 1;
        };
    }

    static int exitCode(Throwable t) {
        return t instanceof BosunException b ? exitCode(b.code()) : 1;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof BosunException b) {
            cmd.getErr().println("bosun: " + b.code() + ": " + b.getMessage());
            return exitCode(b.code());
        }
        cmd.getErr().println("bosun: " + ex);
        return 1;
    }
}
