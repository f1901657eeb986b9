package io.weft.am.master;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverContext;
import io.weft.driver.DynamicAllocationSettings;
import io.weft.driver.backend.RemoteExecutorsBackend;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.planner.ClusterEvents;
import io.weft.planner.Topology;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.Optional;
import java.util.Set;

/**
 * Cluster mode: the driver runs inside the ApplicationMaster, which asks YARN for executor containers itself.
 * The application secret comes from this container's credentials, where the submitting client put it. Containers
 * the AM gives up on fail the driver's jobs ({@link ClusterEvents#abort}); exit statuses YARN reports go straight
 * to the endpoint; hosts the scheduler excludes go on YARN's blacklist.
 */
final class AmBackend extends RemoteExecutorsBackend {

    private final AmContext am;
    private final Topology topology;
    private volatile int expected;
    private volatile int parallelism;
    /** Whether the endpoint took the socket of executors asked for before the session ({@link EarlyExecutors}). */
    private volatile boolean early;

    AmBackend(AmContext am) {
        this(am, Topology.SINGLE_RACK);
    }

    /**
     * @param am the ApplicationMaster
     * @param topology the racks of hosts, for rack-local scheduling
     */
    AmBackend(AmContext am, Topology topology) {
        this.am = am;
        this.topology = topology;
    }

    /** The cluster's racks, as YARN's topology places hosts. */
    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    protected byte[] applicationSecret(DriverContext context) throws IOException {
        return ApplicationSecrets.fromCurrentUser().orElseThrow(() -> new WeftException(
                "The ApplicationMaster has no application secret in its credentials"));
    }

    @Override
    protected void startExecutors(ClusterEvents scheduler, DriverContext context, byte[] secret,
            DriverEndpoint endpoint, int port) throws IOException {
        int instances = am.settings().executorInstances();
        expected = DynamicAllocationSettings.initialExecutors(context.conf(), instances);
        parallelism = DynamicAllocationSettings.defaultParallelism(context.conf(), instances,
                am.settings().executorCores());
        am.launcher().onFatal(scheduler::abort);
        am.launcher().onExecutorExit(endpoint::executorExited);
        // Fresh delegation tokens go to running executors; later ones get them with their registration.
        AmContext.tokens().ifPresent(refresher -> refresher.onRefresh(endpoint::updateTokens));
        if (am.settings().executorInAm()) {
            AmExecutor.start(advertisedHost(), port, am.settings().executorCores(),
                    am.settings().executorMemoryMb(), secret);
        }
        if (early) {
            // Asked for at registration, from the submission's settings. The session's own number wins: more are
            // asked for, outstanding requests beyond it withdrawn; running extras stay (dynamic allocation gives
            // idle ones back). Their size is the submission's either way, as in the late path.
            am.launcher().setTargetExecutors(am.settings().executorContainers(expected));
        } else {
            am.launcher().requestExecutors(advertisedHost(), port);
        }
    }

    /** Takes the socket the executors asked for early wait on, when they were told this session's address. */
    @Override
    protected int listen(DriverEndpoint endpoint, String bind, WeftConf conf) throws Exception {
        Optional<ServerSocketChannel> waiting = am.early() == null ? Optional.empty()
                : am.early().take(bind, ChannelOptions.from(conf).encrypt());
        if (waiting.isEmpty()) {
            return super.listen(endpoint, bind, conf);
        }
        early = true;
        return endpoint.adopt(waiting.get());
    }

    /** Marks the JVM starts and registrations of the executors so far on the AM's timeline. */
    @Override
    protected void started(ClusterEvents scheduler) {
        am.timeline().startingExecutors(expected);
        am.timeline().executors(endpoint.registrationTimes());
    }

    @Override
    protected int expectedExecutors() {
        return expected;
    }

    @Override
    protected Optional<String> registrationImpossible() {
        return am.launcher().failure();
    }

    @Override
    protected String description() {
        return "Application " + am.applicationId();
    }

    @Override
    protected String whereToLook() {
        return "Container logs: yarn logs -applicationId " + am.applicationId();
    }

    /** Excluded hosts go on YARN's blacklist: no new executor containers there. */
    @Override
    public void excludedNodesChanged(Set<String> hosts) {
        am.launcher().schedulerExcludedNodes(hosts);
    }

    /** YARN places executors on several nodes and replaces lost ones: excluding a failing one helps. */
    @Override
    public boolean excludesFailingExecutors() {
        return true;
    }

    @Override
    public int defaultParallelism() {
        return parallelism;
    }

    @Override
    public void close() {
        closeEndpoint();
    }
}
