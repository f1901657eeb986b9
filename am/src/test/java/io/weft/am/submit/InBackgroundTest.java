package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.PrivilegedExceptionAction;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A submission step on a thread of its own: same user, same exceptions, and a wait that never throws. */
@Timeout(60)
class InBackgroundTest {

    @Test
    void theStepRunsAsTheCallersHadoopUser() throws Exception {
        UserGroupInformation alice = UserGroupInformation.createRemoteUser("alice");
        InBackground<String> step = alice.doAs((PrivilegedExceptionAction<InBackground<String>>) () ->
                InBackground.start("test-step", () -> UserGroupInformation.getCurrentUser().getShortUserName()));
        assertThat(step.join()).isEqualTo("alice");
    }

    @Test
    void theStepsOwnExceptionsSurfaceInTheJoiningThread() throws Exception {
        IOException io = new IOException("NameNode said no");
        assertThatThrownBy(InBackground.start("test-io", () -> {
            throw io;
        })::join).isSameAs(io);
        IllegalArgumentException runtime = new IllegalArgumentException("bad setting");
        assertThatThrownBy(InBackground.start("test-runtime", () -> {
            throw runtime;
        })::join).isSameAs(runtime);
        assertThatThrownBy(InBackground.start("test-checked", () -> {
            throw new Exception("odd");
        })::join).isInstanceOf(IllegalStateException.class).hasMessage("odd");
    }

    @Test
    void awaitingQuietlyReturnsOnlyOnceTheStepHasEndedEvenWhenItFailed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        InBackground<Void> step = InBackground.start("test-slow", () -> {
            release.await(30, TimeUnit.SECONDS);
            ended.set(true);
            throw new IOException("failed after the wait");
        });
        Thread waiter = new Thread(step::awaitQuietly, "test-waiter");
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING) { // parked on the step; the class timeout bounds this
            Thread.onSpinWait();
        }
        assertThat(ended).isFalse();
        release.countDown();
        waiter.join(30_000);
        assertThat(waiter.isAlive()).isFalse();
        assertThat(ended).isTrue();
    }

    @Test
    void aDiscardedStepsResultIsReleasedOnlyWhenTheStepSucceeded() throws Exception {
        java.util.List<String> released = new java.util.concurrent.CopyOnWriteArrayList<>();
        InBackground.start("test-opened", () -> "server").discard(released::add);
        assertThat(released).containsExactly("server");

        InBackground<String> failed = InBackground.start("test-failed", () -> {
            throw new IOException("could not open");
        });
        failed.discard(released::add);
        assertThat(released).containsExactly("server");

        // A release that fails is logged, not thrown: the caller is already failing with its own exception.
        InBackground.start("test-release-fails", () -> "broken").discard(value -> {
            throw new IllegalStateException("close failed");
        });
    }
}
