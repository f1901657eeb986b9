package io.weft.am;

import io.weft.am.session.SessionCommand;
import io.weft.am.submit.HistoryCommand;
import io.weft.am.submit.JanitorCommand;
import io.weft.am.submit.SubmitCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * The command line a user types, and the application jar's {@code Main-Class}:
 * {@code yarn jar app.jar io.weft.am.WeftSubmit [options] <main class> [args]} submits a program
 * ({@link SubmitCommand}); {@code history <dir>} serves finished applications' pages ({@link HistoryCommand});
 * {@code janitor} deletes what finished applications left behind ({@link JanitorCommand});
 * {@code --start-session}, {@code --session <id>} and {@code --stop-session <id>} start, use and stop a
 * long-running session ({@link SessionCommand}). Its name is the
 * documented entry point and stays put; the work lives in {@code io.weft.am.submit}.
 */
public final class WeftSubmit {

    private WeftSubmit() {
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /**
     * @param args see {@code --help}
     * @param out where to print
     * @return the exit code: for a submission, 0 only when the application succeeded
     */
    public static int run(String[] args, PrintStream out) {
        // 'yarn jar app.jar <command>' hands every argument to the manifest's main class, this one.
        if (args.length > 0 && args[0].equals("history")) {
            return HistoryCommand.run(Arrays.copyOfRange(args, 1, args.length), out, new CountDownLatch(1));
        }
        if (args.length > 0 && (args[0].equals("janitor") || args[0].equals(JanitorCommand.class.getName())
                || args[0].equals("io.weft.am.JanitorCommand"))) {
            return new CommandLine(new JanitorCommand()).execute(Arrays.copyOfRange(args, 1, args.length));
        }
        if (SessionCommand.isSessionCommand(args)) {
            return SessionCommand.run(args, out, System.getenv());
        }
        return SubmitCommand.run(args, out);
    }
}
