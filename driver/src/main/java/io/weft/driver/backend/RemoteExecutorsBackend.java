package io.weft.driver.backend;

import io.weft.api.WeftException;
import io.weft.conf.ConfigKeys;
import io.weft.conf.NetworkConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.driver.ClusterBackend;
import io.weft.driver.DriverContext;
import io.weft.driver.Poll;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.planner.ClusterEvents;
import io.weft.planner.TaskDescription;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Messages.Registered;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend whose executors are other processes talking to this driver's {@link DriverEndpoint}: executor JVMs
 * on this machine ({@code local-cluster}), or YARN containers (client mode, cluster mode). The start-up is the
 * same for all of them and lives here: take the application's secret, start the endpoint, have the subclass start
 * its executors, then wait until enough of them have registered
 * ({@code weft.scheduler.minRegisteredExecutorsRatio} of them; the others join the scheduler whenever they
 * register), or the subclass says they cannot (a process died, the YARN application ended), or
 * {@code weft.executor.registrationTimeout} passes. On failure everything started is closed and the session
 * fails with the reason and where to look. Task delivery is the endpoint's.
 */
public abstract class RemoteExecutorsBackend implements ClusterBackend {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteExecutorsBackend.class);

    /** Set by {@code start}, cleared by {@link #closeEndpoint()}. */
    protected volatile DriverEndpoint endpoint;
    private volatile String advertisedHost;

    /**
     * Starts the endpoint and the executors, and waits for their registrations. Called once, on the thread
     * creating the session.
     *
     * @throws WeftException naming what failed and where to look; everything started is closed first
     */
    @Override
    public final void start(ClusterEvents scheduler, DriverContext context) {
        WeftConf conf = context.conf();
        try {
            byte[] secret = applicationSecret(context);
            DriverEndpoint started = new DriverEndpoint(scheduler, context.kryo(), secret, ChannelOptions.from(conf),
                    new Registered(context.applicationId(), conf.asMap(), context.shuffleDir().toString()),
                    conf.get(ConfigKeys.HEARTBEAT_TIMEOUT), System::currentTimeMillis,
                    conf.get(ConfigKeys.EXIT_REASON_WAIT));
            endpoint = started;
            String bind = bindAddress(conf);
            int port = listen(started, bind, conf);
            advertisedHost = NetworkConfigKeys.advertised(bind);
            startExecutors(scheduler, context, secret, started, port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new WeftException(description() + ": interrupted while starting executors", e);
        } catch (WeftException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new WeftException(description() + ": could not start executors: " + e.getMessage() + ". "
                    + whereToLook(), e);
        }
        int required = requiredRegistrations(expectedExecutors(),
                conf.get(io.weft.conf.SchedulerConfigKeys.MIN_REGISTERED_EXECUTORS_RATIO));
        awaitRegistrations(required, conf.get(ConfigKeys.REGISTRATION_TIMEOUT));
        int registered = endpoint.executorIds().size();
        if (registered < expectedExecutors()) {
            LOG.info("{}: {} of {} executors registered ({} needed to start, {}); the rest take tasks as they"
                    + " register", description(), registered, expectedExecutors(), required,
                    io.weft.conf.SchedulerConfigKeys.MIN_REGISTERED_EXECUTORS_RATIO.name());
        } else {
            LOG.info("{}: {} executors registered", description(), registered);
        }
        started(scheduler);
    }

    /**
     * How many of the executors asked for must register before the session starts: {@code ratio} of them,
     * rounded up, as Spark counts {@code spark.scheduler.minRegisteredResourcesRatio}.
     *
     * @param expected executors asked for at the start
     * @param ratio {@code weft.scheduler.minRegisteredExecutorsRatio}, in [0, 1]
     * @return between 0 and {@code expected}
     */
    static int requiredRegistrations(int expected, double ratio) {
        // The small tolerance keeps 0.8 x 5 at 4 despite binary fractions.
        return Math.min(expected, (int) Math.ceil(expected * ratio - 1e-9));
    }

    private void awaitRegistrations(int required, long timeoutMillis) {
        int expected = expectedExecutors();
        AtomicReference<String> impossible = new AtomicReference<>();
        boolean registered;
        try {
            registered = Poll.until(() -> {
                if (endpoint.executorIds().size() >= required) {
                    return true;
                }
                registrationImpossible().ifPresent(impossible::set);
                return impossible.get() != null;
            }, timeoutMillis, registrationPollMillis()) && impossible.get() == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new WeftException(description() + ": interrupted while waiting for executors to register", e);
        }
        if (!registered) {
            String why = impossible.get() != null ? impossible.get() : "timed out after " + timeoutMillis + " ms ("
                    + ConfigKeys.REGISTRATION_TIMEOUT.name() + ")";
            String needed = required < expected ? " (" + required + " needed to start, "
                    + io.weft.conf.SchedulerConfigKeys.MIN_REGISTERED_EXECUTORS_RATIO.name() + ")" : "";
            String message = description() + ": " + endpoint.executorIds().size() + " of " + expected
                    + " executors registered" + needed + "; " + why + ". " + whereToLook();
            close();
            throw new WeftException(message);
        }
    }

    /**
     * The endpoint executors (and, in a long-running session, attached programs) connect to. Any thread.
     *
     * @return the started endpoint, or empty before {@code start} and after closing
     */
    public Optional<DriverEndpoint> driverEndpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * @param context the application
     * @return the application's secret, which executors prove they hold before the endpoint reads anything else
     * @throws Exception when it cannot be had
     */
    protected abstract byte[] applicationSecret(DriverContext context) throws Exception;

    /**
     * @param conf the session's settings
     * @return the address the endpoint listens on: {@code weft.driver.bindAddress}, by default this host's name
     *     ({@link NetworkConfigKeys#bindAddress})
     */
    protected String bindAddress(WeftConf conf) {
        return NetworkConfigKeys.bindAddress(conf, System.getenv());
    }

    /**
     * Starts the endpoint listening. By default on any free port of {@code bind}; a backend whose executors were
     * asked for before the session existed hands it the socket they connect to ({@link DriverEndpoint#adopt}).
     * Called once, on the thread creating the session.
     *
     * @param endpoint the endpoint
     * @param bind the address from {@link #bindAddress}
     * @param conf the session's settings
     * @return the port executors connect to
     * @throws Exception when it cannot listen; the session fails with the message
     */
    protected int listen(DriverEndpoint endpoint, String bind, WeftConf conf) throws Exception {
        return endpoint.start(bind, 0);
    }

    /** @return the host name executors connect to (set before {@code startExecutors} is called) */
    public String advertisedHost() {
        return advertisedHost;
    }

    /**
     * Starts (or asks the cluster for) the executors, which will connect to the endpoint. Must not wait for them.
     *
     * @param scheduler the scheduler, for backends that report more than the endpoint does
     * @param context the application
     * @param secret the application's secret
     * @param endpoint the started endpoint
     * @param port its port
     * @throws Exception when they cannot be started; the session fails with the message
     */
    protected abstract void startExecutors(ClusterEvents scheduler, DriverContext context, byte[] secret,
            DriverEndpoint endpoint, int port) throws Exception;

    /**
     * @return how many executors the session asks for at its start; {@code weft.scheduler.minRegisteredExecutorsRatio}
     *     of them must register before it starts
     */
    protected abstract int expectedExecutors();

    /** @return how often registrations (and {@link #registrationImpossible()}) are checked while waiting */
    protected long registrationPollMillis() {
        return 20;
    }

    /**
     * Asked while waiting for registrations, on the waiting thread.
     *
     * @return why not every executor can register any more (a process exited, the YARN application ended), or
     *     empty while they still may
     */
    protected abstract Optional<String> registrationImpossible();

    /** @return a short name for errors and logs ({@code local-cluster[2,1,512]}, the YARN application id) */
    protected abstract String description();

    /** @return where a user finds out more when executors do not start (logs), as a sentence */
    protected abstract String whereToLook();

    /**
     * Called once enough executors have registered to start, on the thread creating the session.
     *
     * @param scheduler the scheduler
     */
    protected void started(ClusterEvents scheduler) {
    }

    @Override
    public void launchTask(String executorId, TaskDescription task) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.launch(executorId, task);
        }
    }

    @Override
    public void killTask(String executorId, long taskId) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.kill(executorId, taskId);
        }
    }

    @Override
    public void unpersist(int nodeId) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.unpersist(nodeId);
        }
    }

    @Override
    public void unpersistBroadcast(long broadcastId) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.unpersistBroadcast(broadcastId);
        }
    }

    @Override
    public void dropScope(String scopeKey) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.dropScope(scopeKey);
        }
    }

    /**
     * When each registered executor's JVM started and registered ({@link DriverEndpoint#registrationTimes}). Any
     * thread.
     *
     * @return executor id to {@code [JVM start, registration]} in epoch milliseconds; empty before the start and
     *     after closing
     */
    public Map<String, long[]> registrationTimes() {
        DriverEndpoint current = endpoint;
        return current == null ? Map.of() : current.registrationTimes();
    }

    /** @return each registered executor's process id, as it reported on registering */
    public Map<String, Long> executorPids() {
        DriverEndpoint current = endpoint;
        return current == null ? Map.of() : current.executorPids();
    }

    /** Tells the executors to stop and closes the endpoint. Idempotent. */
    protected void closeEndpoint() {
        DriverEndpoint current = endpoint;
        endpoint = null;
        if (current != null) {
            current.close();
        }
    }
}
