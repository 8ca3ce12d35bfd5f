package dev.venice.runtime.common.admin;

/** One admin route's work: a checked request in, a complete answer out. */
@FunctionalInterface
public interface AdminHandler {
  /**
   * Answers a request.
   *
   * @throws AdminHttpException for a request it refuses (answered as a JSON error)
   * @throws Exception anything else is a 500 naming the request, logged with its cause
   */
  AdminResponse handle(AdminRequest request) throws Exception;
}
