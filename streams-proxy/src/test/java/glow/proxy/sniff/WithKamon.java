package glow.proxy.sniff;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs Kamon for one test class ({@code @ExtendWith(WithKamon.class)}): started as {@link KamonValues#start}
 * says before the first test, stopped after the last, or its threads would keep the JVM alive; stateless.
 */
public final class WithKamon implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    KamonValues.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    KamonValues.stop();
  }
}
