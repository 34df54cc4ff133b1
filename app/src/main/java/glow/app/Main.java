package glow.app;

/** Entry point of the one `glow` executable; placeholder until the commands land. */
public final class Main {
  public static void main(String[] args) {
    System.out.println("glow");
  }
}
