package io.weft.driver.endpoint;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Every connection a {@link DriverEndpoint} accepted (executors', the ApplicationMaster's, session clients'), so
 * that the endpoint's close closes them itself. Left to the event loops' graceful shutdown, a connection was seen to
 * stay open until the JVM exited, so a client-mode ApplicationMaster waiting for it noticed the driver's end only by
 * probing. A connection accepted after {@link #closeAll} is closed as it joins. Thread-safe.
 */
final class AcceptedConnections {

    private final ChannelGroup connections = new DefaultChannelGroup("weft-driver-connections",
            GlobalEventExecutor.INSTANCE, true);

    /**
     * @param pipeline the server's initializer of an accepted connection
     * @return an initializer that adds each accepted connection to this set, then runs {@code pipeline}
     */
    ChannelInitializer<SocketChannel> tracking(ChannelInitializer<SocketChannel> pipeline) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                connections.add(ch);
                ch.pipeline().addLast(pipeline);
            }
        };
    }

    /**
     * Closes every connection, each after the writes already queued on it, and waits up to a second for the peers
     * to be told (typically milliseconds). Any thread.
     */
    void closeAll() {
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
}
