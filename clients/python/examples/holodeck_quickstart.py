# holodeck-session-manager's "Create a Session" example, with only its import line changed.
from bosun.holodeck import SessionManager, SessionConfig

config = SessionConfig(
    session_name="my-research-session",
    agent_id="oracle1",
    tags=["research", "constraint-theory"]
)

manager = SessionManager(config)

# Start session
session = manager.start_session()

# Add tasks
task1 = session.add_task("analyze-h1-data", {"query": "what is H¹ emergence?"})
task2 = session.add_task("write-report", {"topic": "constraint theory findings"})

# Complete a task
task1.complete(success=True, duration_ms=2340)

# End session
session.end_session(outcome="success")
print(session.session_id)
