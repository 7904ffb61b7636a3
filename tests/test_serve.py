"""The classroom server: HAProxy's generated configuration is valid (``haproxy -c``) and says what the
design needs; a session is "moved" only when it is new here and its cookie names another worker; the
multi-host template in ``deploy/`` is what the CLI writes."""

import os
import shutil
import subprocess

import pytest

from benchmarks.harness import ROOT
from mmplay.cli import main
from mmplay.haproxy import COOKIE, Worker, config_text
from mmplay.ui.runtime import moved_here

WORKERS = [Worker("w1", "127.0.0.2", 8601), Worker("w2", "127.0.0.3", 8602)]


def test_config_has_cookie_stickiness_health_checks_and_redispatch():
    text = config_text(WORKERS, "0.0.0.0", 8501)
    assert f"cookie {COOKIE} insert nocache httponly" in text
    assert "indirect" not in text  # the worker must see the cookie to know a session was moved
    assert "option httpchk GET /_stcore/health" in text and "option redispatch" in text
    assert "server w1 127.0.0.2:8601 cookie w1 check" in text and "server w2 127.0.0.3:8602 cookie w2 check" in text
    assert "balance source" not in text  # one NAT, one IP: never stick by address
    probes = text.split("backend probes", 1)[1].split("backend workers", 1)[0]
    assert "use_backend probes if probe" in text and "/_stcore/health /_stcore/host-config" in text
    assert "cookie" not in probes  # reconnect probes must not re-stamp a moved session's cookie


def test_haproxy_accepts_the_generated_config(tmp_path):
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        if os.environ.get("CI") == "true":
            pytest.fail("no haproxy: .ci/run installs Debian's haproxy")
        pytest.skip("haproxy is not installed")
    config = tmp_path / "haproxy.cfg"
    config.write_text(config_text(WORKERS, "127.0.0.1", 18501))
    result = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("here", "cookie", "new", "moved"),
    [("w2", "w1", True, True), ("w2", "w2", True, False), ("w2", None, True, False), ("w2", "w1", False, False)],
)
def test_a_session_is_moved_only_when_new_here_with_another_workers_cookie(monkeypatch, here, cookie, new, moved):
    monkeypatch.setattr("mmplay.ui.runtime.WORKER_NAME", here)
    assert moved_here(cookie, new) is moved


def test_deploy_template_is_the_cli_output_and_haproxy_accepts_it(tmp_path, capsys):
    assert main(["haproxy-config", "10.0.0.11:8601,10.0.0.12:8601"]) == 0
    template = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert capsys.readouterr().out == template, "regenerate deploy/haproxy.cfg (see deploy/README.md)"
    assert "server w1 10.0.0.11:8601 cookie w1 check" in template
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        pytest.skip("haproxy is not installed")
    config = tmp_path / "haproxy.cfg"
    config.write_text(template)
    result = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert main(["haproxy-config", "10.0.0.11"]) == 2  # not host:port
