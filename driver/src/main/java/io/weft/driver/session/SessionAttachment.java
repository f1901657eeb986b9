package io.weft.driver.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.Messages.SessionAttach;
import io.weft.runtime.channel.Messages.SessionAttached;
import io.weft.runtime.channel.Messages.SessionCall;
import io.weft.runtime.channel.Messages.SessionNeeds;
import io.weft.runtime.channel.Messages.SessionReply;
import io.weft.runtime.channel.Messages.SessionUpload;
import io.weft.runtime.channel.Messages.ShippedJar;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attached program's connection, on the session's side: the protocol's state machine (attach, jar uploads,
 * then requests) and its lifecycle. Netty calls it on the connection's event loop, and it only hands messages on:
 * attachment, uploads and offers go, in arrival order, to the attachment's one control thread (they touch the
 * disk and open the scope); every other request to a thread of its own from the attachment's pool, so a program's
 * threads run jobs concurrently. A message out of place (anything before {@link SessionAttach}, a second attach,
 * an upload nobody asked for) closes this connection only, and so does not being ready (attach message received,
 * jars all arrived) within the service's attach limit of authenticating; the connection counts as an attached
 * program only from its attach message on. When the connection closes, for whatever reason, the attachment's
 * running jobs are cancelled and, once they have ended, its scope closed.
 */
final class SessionAttachment extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionAttachment.class);

    private final SessionService service;
    private final String id;
    private final ExecutorService control;
    private final ExecutorService requests;
    private volatile Channel channel;
    /** Set on the control thread once the scope is open; requests before that close the connection. */
    private volatile SessionOperations operations;
    private volatile boolean attachSeen;
    private volatile boolean closed;
    /** Closes the connection if it is not ready in time; cancelled once it is. Set on the event loop. */
    private volatile java.util.concurrent.ScheduledFuture<?> deadline;
    /** Uploads the session asked for and has not finished: touched only on the control thread. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    /** The attachment's jars, until they have all arrived. Control thread only. */
    private List<File> attachJars;

    private record Pending(long requestId, ShippedJar jar, JarStore.Upload upload) {
    }

    SessionAttachment(SessionService service, String id) {
        this.service = service;
        this.id = id;
        this.control = Executors.newSingleThreadExecutor(Channels.threads("weft-session-" + id + "-control"));
        this.requests = Executors.newCachedThreadPool(Channels.threads("weft-session-" + id + "-request"));
    }

    String id() {
        return id;
    }

    /** @return whether the program has sent its attach message (from then on it counts as attached) */
    boolean hasAttached() {
        return attachSeen;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        service.connected(this);
        long limit = service.attachLimit().toMillis();
        deadline = ctx.executor().schedule(() -> overdue(limit), limit, java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.info("Session client connected from {} as attachment {}", channel.remoteAddress(), id);
    }

    /** On the event loop, {@code limit} ms after authenticating: closes the connection unless it is ready. */
    private void overdue(long limit) {
        if (operations == null && !closed) {
            LOG.warn("Closing session client connection {} from {}: it authenticated but was not attached {} ms later"
                    + " ({}); a Weft program attaches right after connecting, so this is a stalled client or not a"
                    + " Weft program", id, channel.remoteAddress(), limit, attachSeen ? "its jars had not all arrived"
                    : "it sent no attach message");
            channel.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SessionAttach attach && !attachSeen) {
                attachSeen = true;
                service.attached(this);
                control.execute(() -> attach(attach));
            } else if (msg instanceof SessionUpload upload && attachSeen) {
                control.execute(() -> received(upload));
            } else if (msg instanceof SessionCall call && attachSeen && call.requestId() > 0) {
                if (SessionOps.OFFER.equals(call.operation())) {
                    control.execute(() -> offer(call));
                } else {
                    requests.execute(() -> handle(call));
                }
            } else {
                refuse("a " + msg.getClass().getSimpleName() + (attachSeen ? " out of place" : " before attaching"));
            }
        } catch (RejectedExecutionException closing) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        detach();
        ctx.fireChannelInactive();
    }

    private void refuse(String what) {
        LOG.warn("Closing session client connection {} from {}: it sent {}", id, channel.remoteAddress(), what);
        channel.close();
    }

    // ---- on the control thread ----

    private void attach(SessionAttach attach) {
        try {
            List<File> jars = new ArrayList<>();
            List<String> needed = new ArrayList<>();
            for (ShippedJar jar : attach.jars()) {
                jars.add(service.jars().fileOf(jar));
                expect(0, jar, needed);
            }
            LOG.info("Attachment {}: program '{}' with {} jars, {} to upload", id, attach.appName(),
                    attach.jars().size(), needed.size());
            channel.writeAndFlush(new SessionNeeds(0, needed));
            if (needed.isEmpty()) {
                ready(jars);
            } else {
                attachJars = jars;
            }
        } catch (RuntimeException | IOException e) {
            fail(0, e);
            channel.close();
        }
    }

    private void expect(long requestId, ShippedJar jar, List<String> needed) throws IOException {
        if (!service.jars().fileOf(jar).isFile() && !pending.containsKey(jar.sha256())) {
            pending.put(jar.sha256(), new Pending(requestId, jar, service.jars().upload(jar)));
            needed.add(jar.sha256());
        }
    }

    private void ready(List<File> jars) {
        SessionScopes.SessionScope scope = service.scopes().open(id, jars);
        operations = new SessionOperations(service.engine(), scope, id);
        cancelDeadline();
        if (closed) {
            operations.close(service.engine());
            return;
        }
        channel.writeAndFlush(new SessionAttached(id, service.engine().defaultParallelism()));
    }

    private void offer(SessionCall call) {
        try {
            ShippedJar jar = operations().decodeOffer(call.payload());
            List<String> needed = new ArrayList<>();
            expect(call.requestId(), jar, needed);
            channel.writeAndFlush(new SessionNeeds(call.requestId(), needed));
            if (needed.isEmpty()) {
                reply(call.requestId(), operations().encode(service.jars().fileOf(jar).getPath()));
            }
        } catch (RuntimeException | IOException e) {
            fail(call.requestId(), e);
        }
    }

    private void received(SessionUpload upload) {
        Pending p = pending.get(upload.sha256());
        if (p == null) {
            refuse("an upload of " + upload.sha256() + ", which the session did not ask for");
            return;
        }
        try {
            p.upload().append(upload.bytes());
            if (!upload.last()) {
                return;
            }
            pending.remove(upload.sha256());
            File stored = p.upload().finish();
            if (pending.values().stream().anyMatch(q -> q.requestId() == p.requestId())) {
                return;
            }
            if (p.requestId() == 0) {
                ready(attachJars);
                attachJars = null;
            } else {
                reply(p.requestId(), operations().encode(stored.getPath()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Attachment {}: upload of {} failed: {}", id, p.jar().name(), e.toString());
            pending.remove(upload.sha256());
            p.upload().close();
            fail(p.requestId(), e);
            if (p.requestId() == 0) {
                channel.close();
            }
        }
    }

    // ---- on request threads ----

    private SessionOperations operations() {
        SessionOperations ops = operations;
        if (ops == null) {
            throw new IllegalStateException("attachment " + id + " is not ready: its jars have not all arrived");
        }
        return ops;
    }

    private void handle(SessionCall call) {
        SessionOperations ops = operations;
        if (ops == null) {
            refuse("a request before the attachment was ready");
            return;
        }
        try {
            byte[] result = ops.run(call);
            SessionOperations.Snapshot snapshot = ops.accumulatorsAfter(call.operation());
            channel.writeAndFlush(new SessionReply(call.requestId(), result, null, null, snapshot.version(),
                    snapshot.values()));
        } catch (Throwable t) {
            if (!(t instanceof io.weft.api.JobFailedException) && !(t instanceof io.weft.api.WeftException)) {
                LOG.warn("Attachment {}: request {} ({}) failed", id, call.requestId(), call.operation(), t);
            }
            String kind = SessionOps.kindOf(t);
            byte[] detail = null;
            if (t instanceof io.weft.api.JobCancelledException cancelled) {
                detail = ops.encode(ops.clientGroup(cancelled.cancelledGroup()));
            } else if (t instanceof io.weft.api.JobFailedException failed) {
                detail = ops.encode(new Object[] {new int[] {failed.stageId(), failed.partition()},
                        RemoteCauses.describe(failed.getCause())});
            }
            SessionOperations.Snapshot snapshot = ops.accumulatorsAfter(call.operation());
            channel.writeAndFlush(new SessionReply(call.requestId(), detail, kind, ops.clientMessage(t),
                    snapshot.version(), snapshot.values()));
        }
    }

    private void reply(long requestId, byte[] payload) {
        channel.writeAndFlush(new SessionReply(requestId, payload, null, null, 0, new LinkedHashMap<>()));
    }

    private void fail(long requestId, Throwable t) {
        channel.writeAndFlush(new SessionReply(requestId, null, SessionOps.kindOf(t), String.valueOf(t.getMessage()),
                0, new LinkedHashMap<>()));
    }

    // ---- end ----

    private void cancelDeadline() {
        java.util.concurrent.ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
    }

    /** @return the attachment's running jobs */
    int runningJobs() {
        SessionOperations ops = operations;
        return ops == null ? 0 : ops.runningJobs();
    }

    /** Closes the connection (its close cancels the jobs and closes the scope). Any thread. */
    void close() {
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    /** The connection closed: cancel its jobs, then (on the control thread) wait for them and close the scope. */
    private void detach() {
        if (closed) {
            return;
        }
        closed = true;
        cancelDeadline();
        SessionOperations ops = operations;
        if (ops != null) {
            ops.cancelAll(service.engine());
        }
        try {
            control.execute(() -> {
                pending.values().forEach(p -> p.upload().close());
                pending.clear();
                SessionOperations opened = operations;
                if (opened != null) {
                    opened.awaitJobs(60_000);
                    opened.close(service.engine());
                }
                LOG.info("Attachment {} detached", id);
                service.detached(this);
            });
        } catch (RejectedExecutionException e) {
            service.detached(this);
        }
        control.shutdown();
        requests.shutdown();
    }
}
