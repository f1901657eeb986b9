package io.weft.am.kerberos;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an application's delegation tokens fresh from a Kerberos login: obtains new tokens, adds them to the
 * process's own UGI (so containers launched later get them), and hands them to listeners (the driver endpoint, which
 * sends them to running executors). Tokens obtained here are not renewed by anyone, so the next ones are obtained
 * after {@code ratio} of the time until the earlier of their renewal-interval end and their maximum lifetime.
 *
 * <p>Runs on a daemon thread of its own ({@code weft-token-refresher}); listeners are called on it. A failed refresh
 * is logged and retried after a tenth of the renewal interval (between 1 s and 1 min): the current tokens stay in
 * use meanwhile.
 */
public final class TokenRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRefresher.class);

    private final UserGroupInformation login;
    private final UserGroupInformation target;
    private final Configuration hadoop;
    private final List<URI> fileSystems;
    private final String renewer;
    private final double ratio;
    private final List<Consumer<byte[]>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-token-refresher");
        t.setDaemon(true);
        return t;
    });
    private volatile long intervalMillis = -1;
    private volatile byte[] latest;
    private volatile int refreshes;

    /**
     * @param login the Kerberos login that obtains tokens (a keytab's, or a ticket's)
     * @param target the UGI the tokens are added to: this process's, whose credentials containers get; null to add
     *     them nowhere (a driver with a Kerberos login of its own: a UGI holding a token for a service authenticates
     *     to it with the token, and a token-authenticated connection may not obtain new tokens)
     * @param hadoop the cluster's configuration
     * @param fileSystems the file systems to obtain tokens from
     * @param renewer the tokens' renewer (the ResourceManager)
     * @param ratio the fraction of the tokens' remaining validity after which the next ones are obtained
     */
    public TokenRefresher(UserGroupInformation login, UserGroupInformation target, Configuration hadoop,
            List<URI> fileSystems, String renewer, double ratio) {
        this.login = login;
        this.target = target;
        this.hadoop = hadoop;
        this.fileSystems = List.copyOf(fileSystems);
        this.renewer = renewer;
        this.ratio = ratio;
    }

    /**
     * Obtains fresh tokens now, on the calling thread, and schedules the following refreshes.
     *
     * @throws IOException when the first tokens cannot be obtained: the login does not work
     */
    public void start() throws IOException {
        schedule(refresh());
    }

    /**
     * Adds a listener, called on the refresher's thread with each refresh's tokens (serialized with
     * {@link Credentials#writeTokenStorageToStream}); if tokens were refreshed already, at once with the latest.
     *
     * @param listener e.g. the driver endpoint's push to executors; must not block for long
     */
    public void onRefresh(Consumer<byte[]> listener) {
        listeners.add(listener);
        byte[] current = latest;
        if (current != null) {
            timer.execute(() -> listener.accept(current));
        }
    }

    /** @return how many times tokens were obtained (the first included) */
    public int refreshes() {
        return refreshes;
    }

    private long refresh() throws IOException {
        if (login.isFromKeytab()) {
            login.checkTGTAndReloginFromKeytab();
        }
        if (intervalMillis < 0) {
            intervalMillis = DelegationTokens.renewalIntervalMillis(login, hadoop, fileSystems);
        }
        Credentials fresh = DelegationTokens.obtain(login, hadoop, fileSystems, renewer);
        if (target != null) {
            target.addCredentials(fresh);
        }
        byte[] bytes = serialize(fresh);
        latest = bytes;
        refreshes++;
        long now = System.currentTimeMillis();
        long issued = Math.min(now, DelegationTokens.earliestIssueDate(fresh));
        long expiry = Math.min(DelegationTokens.earliestMaxDate(fresh),
                intervalMillis == Long.MAX_VALUE ? Long.MAX_VALUE : issued + intervalMillis);
        long delay = expiry == Long.MAX_VALUE ? TimeUnit.HOURS.toMillis(1)
                : Math.max(1_000, (long) ((expiry - now) * ratio));
        LOG.info("Obtained delegation tokens {} as {} (refresh {}): valid until {} unless renewed; next refresh in"
                + " {} ms", DelegationTokens.describe(fresh), login.getUserName(), refreshes, Instant.ofEpochMilli(
                        expiry == Long.MAX_VALUE ? now : expiry), delay);
        for (Consumer<byte[]> listener : listeners) {
            try {
                listener.accept(bytes);
            } catch (RuntimeException e) {
                LOG.warn("Could not pass refreshed tokens on: {}", e.toString());
            }
        }
        return delay;
    }

    private void schedule(long delayMillis) {
        if (timer.isShutdown()) {
            return;
        }
        timer.schedule(() -> {
            long next;
            try {
                next = refresh();
            } catch (IOException | RuntimeException e) {
                next = Math.min(60_000, Math.max(1_000, intervalMillis / 10));
                LOG.warn("Could not obtain fresh delegation tokens as {}: {}; trying again in {} ms",
                        login.getUserName(), e.toString(), next);
            }
            schedule(next);
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /**
     * @param credentials tokens
     * @return them in Hadoop's token storage format
     * @throws IOException never in practice (in-memory)
     */
    public static byte[] serialize(Credentials credentials) throws IOException {
        DataOutputBuffer buffer = new DataOutputBuffer();
        credentials.writeTokenStorageToStream(buffer);
        return java.util.Arrays.copyOf(buffer.getData(), buffer.getLength());
    }

    /**
     * @param bytes from {@link #serialize}
     * @return the tokens
     * @throws IOException when the bytes are not token storage
     */
    public static Credentials deserialize(byte[] bytes) throws IOException {
        Credentials credentials = new Credentials();
        credentials.readTokenStorageStream(new DataInputStream(new ByteArrayInputStream(bytes)));
        return credentials;
    }

    /**
     * Without a keytab nothing obtains new tokens: says in the log until when the current ones work.
     *
     * @param credentials the application's tokens
     * @param who where this runs, for the message
     */
    public static void logExpiry(Credentials credentials, String who) {
        try {
            long maxDate = DelegationTokens.earliestMaxDate(credentials);
            if (maxDate != Long.MAX_VALUE) {
                LOG.warn("{}: no keytab (--principal/--keytab), so the delegation tokens {} are not replaced: the"
                        + " ResourceManager renews them until {}, their maximum lifetime; work after that fails to"
                        + " reach HDFS. Fix for longer applications: submit with --principal and --keytab.", who,
                        DelegationTokens.describe(credentials), Instant.ofEpochMilli(maxDate));
            }
        } catch (IOException e) {
            LOG.warn("{}: could not read the delegation tokens' expiry: {}", who, e.toString());
        }
    }
}
