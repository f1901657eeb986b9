package io.weft.am.master;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a YARN application's time goes before (and after) its work: when the client started and submitted, when
 * the ApplicationMaster's JVM started and registered, when it asked for executors, when containers were allocated
 * and launched, when the executor JVMs started and registered, the first task, the result, and the end. Each
 * process records the phases it sees, in epoch milliseconds of its own clock (one host's clock on the embedded
 * cluster; on a real cluster hosts' clocks may differ by their NTP skew), and the pieces travel to the client: in
 * cluster mode in the AM's final diagnostics ({@link #encode()}: timestamps only, nothing secret), in client mode
 * through a file in the owner-only staging directory ({@link ClientModeLauncher}).
 *
 * <p>Thread-safe: phases are marked from YARN's callback threads, the driver's scheduler thread and the main
 * thread.
 */
public final class StartupTimeline {

    /** The line prefix that marks an encoded timeline in a longer text (diagnostics). */
    static final String PREFIX = "weft-timeline:";

    /** The phases, in the order they happen. */
    public enum Phase {
        CLIENT_START("client start", false),
        CLIENT_READY("client connected", false),
        STAGED("staged", false),
        SUBMITTED("submitted", false),
        AM_START("AM JVM start", false),
        AM_REGISTERED("AM registered", false),
        EXECUTORS_REQUESTED("executors requested", false),
        /** Cluster mode: the program's {@code main} asks for its session (executors may be asked for before). */
        SESSION_CREATED("session created", false),
        ALLOCATED("containers allocated", true),
        LAUNCHED("containers launched", true),
        EXECUTOR_JVM_START("executor JVMs started", true),
        EXECUTOR_REGISTERED("executors registered", true),
        FIRST_TASK("first task", false),
        RESULT("result", false),
        AM_UNREGISTERING("AM unregistering", false),
        CLIENT_SAW_END("client saw the end", false),
        CLIENT_EXIT("client exit", false);

        private final String label;
        private final boolean several;

        Phase(String label, boolean several) {
            this.label = label;
            this.several = several;
        }

        /** @return how the timeline names it */
        public String label() {
            return label;
        }
    }

    /** First and last time, and how often, a phase was marked. */
    private record Marks(long first, long last, int count) {
        Marks plus(long at) {
            return new Marks(Math.min(first, at), Math.max(last, at), count + 1);
        }
    }

    private final Map<Phase, Marks> marks = new EnumMap<>(Phase.class);
    private long changes;
    /** Executors whose start is marked: those of the session's start only, each once. */
    private final java.util.Set<String> executorsMarked = new java.util.HashSet<>();
    private int startingExecutors = Integer.MAX_VALUE;

    /**
     * Marks a phase now.
     *
     * @param phase the phase
     */
    public void mark(Phase phase) {
        mark(phase, System.currentTimeMillis());
    }

    /**
     * @param phase the phase
     * @param epochMillis when it happened; 0 or less is ignored (unknown)
     */
    public synchronized void mark(Phase phase, long epochMillis) {
        if (epochMillis <= 0) {
            return;
        }
        Marks before = marks.get(phase);
        marks.put(phase, before == null ? new Marks(epochMillis, epochMillis, 1) : before.plus(epochMillis));
        changes++;
    }

    /**
     * Records executors' JVM starts and registrations: each executor once, in the order they registered, and no
     * more than {@link #startingExecutors} of them, so that executors added later (dynamic allocation, a
     * replacement) do not stretch the start-up's phases. Can be called again as more of them register.
     *
     * @param times executor id to {@code [JVM start, registration]} in epoch milliseconds
     */
    public synchronized void executors(Map<String, long[]> times) {
        times.entrySet().stream().sorted(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(t -> t[1])))
                .filter(e -> !executorsMarked.contains(e.getKey())).forEach(e -> {
                    if (executorsMarked.size() < startingExecutors) {
                        executorsMarked.add(e.getKey());
                        mark(Phase.EXECUTOR_JVM_START, e.getValue()[0]);
                        mark(Phase.EXECUTOR_REGISTERED, e.getValue()[1]);
                    }
                });
    }

    /**
     * @param count how many executors the session asked for at its start: the ones {@link #executors} marks
     */
    public synchronized void startingExecutors(int count) {
        startingExecutors = count;
    }

    /** @return how many marks were made so far, to tell whether the timeline changed */
    synchronized long changes() {
        return changes;
    }

    /**
     * @param phase a phase
     * @return when it first happened, if it did
     */
    public synchronized OptionalLong first(Phase phase) {
        Marks m = marks.get(phase);
        return m == null ? OptionalLong.empty() : OptionalLong.of(m.first);
    }

    /**
     * @param phase a phase
     * @return when it last happened, if it did
     */
    public synchronized OptionalLong last(Phase phase) {
        Marks m = marks.get(phase);
        return m == null ? OptionalLong.empty() : OptionalLong.of(m.last);
    }

    /**
     * Adds another process's marks to these.
     *
     * @param other its timeline
     */
    public void merge(StartupTimeline other) {
        Map<Phase, Marks> theirs;
        synchronized (other) {
            theirs = new EnumMap<>(other.marks);
        }
        synchronized (this) {
            theirs.forEach((phase, m) -> {
                Marks mine = marks.get(phase);
                marks.put(phase, mine == null ? m : new Marks(Math.min(mine.first, m.first),
                        Math.max(mine.last, m.last), mine.count + m.count));
            });
            changes++;
        }
    }

    /** @return one line, {@code weft-timeline: PHASE=first/last/count ...}, that {@link #decode} reads back */
    public synchronized String encode() {
        StringBuilder line = new StringBuilder(PREFIX);
        marks.forEach((phase, m) -> line.append(' ').append(phase.name()).append('=').append(m.first).append('/')
                .append(m.last).append('/').append(m.count));
        return line.toString();
    }

    /**
     * @param text a text holding a line from {@link #encode()} (the last one counts), such as diagnostics
     * @return the timeline, or empty when there is none
     */
    public static Optional<StartupTimeline> decode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int at = text.lastIndexOf(PREFIX);
        if (at < 0) {
            return Optional.empty();
        }
        int end = text.indexOf('\n', at);
        StartupTimeline timeline = new StartupTimeline();
        for (String part : text.substring(at + PREFIX.length(), end < 0 ? text.length() : end).trim().split(" ")) {
            String[] kv = part.split("=");
            if (kv.length != 2) {
                continue;
            }
            String[] v = kv[1].split("/");
            try {
                Phase phase = Phase.valueOf(kv[0]);
                timeline.marks.put(phase, new Marks(Long.parseLong(v[0]), Long.parseLong(v[1]),
                        Integer.parseInt(v[2])));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException unknown) {
                // a phase of another version, or a damaged part: the rest still counts
            }
        }
        return Optional.of(timeline);
    }

    /**
     * @param text a text that may hold an encoded timeline
     * @return the text without it (for printing diagnostics)
     */
    public static String strip(String text) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf(PREFIX);
        if (at < 0) {
            return text;
        }
        int end = text.indexOf('\n', at);
        return (text.substring(0, at) + (end < 0 ? "" : text.substring(end + 1))).strip();
    }

    /** @return the phases marked, in the order they are meant to happen */
    public synchronized List<Phase> phases() {
        return new ArrayList<>(marks.keySet());
    }

    /**
     * @return one line for people: each phase's seconds from the first phase marked, a phase that happened
     *     several times as first/last ({@code containers allocated 3.10/3.32})
     */
    public synchronized String format() {
        if (marks.isEmpty()) {
            return "Timeline: nothing recorded";
        }
        Phase origin = marks.keySet().iterator().next();
        long zero = marks.get(origin).first;
        StringBuilder line = new StringBuilder("Timeline (seconds from " + origin.label + "):");
        String sep = " ";
        for (Map.Entry<Phase, Marks> e : marks.entrySet()) {
            if (e.getKey() == origin) {
                continue;
            }
            Marks m = e.getValue();
            line.append(sep).append(e.getKey().label).append(' ');
            if (e.getKey() == Phase.RESULT) {
                line.append(seconds(m.last - zero));
            } else {
                line.append(seconds(m.first - zero));
                if (e.getKey().several && m.count > 1) {
                    line.append('/').append(seconds(m.last - zero));
                }
            }
            sep = ", ";
        }
        return line.toString();
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.2f", millis / 1000.0);
    }
}
