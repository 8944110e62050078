"""The console in a real browser (Debian's headless Chromium, driven with
Selenium): the page loads with no console error, asks for the token and
shows nothing before it, then the database version vigild serves and the
quarantine's contents; a
detection made through the API appears among the recent ones; a file
uploaded through the file chooser of the drop zone is scanned and its
verdict shown; without the token, the reload is refused. With
VIGIL_SCREENSHOTS=DIR the pages are saved there (docs/screenshots/)."""
import io
import os
import time
import zipfile

import subprocess

import pytest
import requests

from conftest import VIGIL
from daemon import EICAR, make_db
from httphelp import Http
from updhelp import installed_db

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

TOKEN = "console-test-token-0123456789"


@pytest.fixture
def browser():
    o = Options()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=1280,1100",
              "--no-first-run", "--disable-extensions",
              "--disable-background-networking"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.set_page_load_timeout(30)
    yield d
    d.quit()


def until(pred, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if pred():
                return True
        except Exception:  # the element is not there yet
            pass
        time.sleep(0.2)
    return False


def text(b, ident):
    return b.find_element(By.ID, ident).text


def errors(b):
    return [e for e in b.get_log("browser") if e["level"] == "SEVERE" and
            "401" not in e["message"]]  # asking before the token: expected


def shot(b, name, tmp_path):
    b.save_screenshot(str(tmp_path / name))
    where = os.environ.get("VIGIL_SCREENSHOTS")
    if where:
        b.save_screenshot(os.path.join(where, name))


def drop(b, name, data):
    """Drops a file on the drop zone as a person would (a DataTransfer
    with a File, in a drop event)."""
    b.execute_script(
        "const dt = new DataTransfer();"
        "dt.items.add(new File([arguments[1]], arguments[0]));"
        "const zone = document.getElementById('dropzone');"
        "zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt,"
        " bubbles: true, cancelable: true}));", name, data)


def test_console(tmp_path, browser):
    tok = tmp_path / "token"
    tok.write_text(TOKEN + "\n")
    store = tmp_path / "quarantine"
    db = installed_db(tmp_path, EICAR)
    taken = tmp_path / "taken-earlier.com"
    taken.write_bytes(EICAR)
    r = subprocess.run([VIGIL, "scan", "--no-summary", "-d",
                        make_db(str(tmp_path / "qdb")),
                        "--quarantine=%s" % store, str(taken)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and not taken.exists(), r.stderr
    d = Http(str(tmp_path), db, extra="HTTPTokenFile %s\n"
             "QuarantineDirectory %s\n" % (tok, store))
    auth = {"Authorization": "Bearer " + TOKEN}
    try:
        version = d.get("/v1/version", headers=auth).json()
        browser.get(d.url + "/")
        assert until(lambda: "token" in text(browser, "message"))
        assert text(browser, "db-version") == "-"
        shot(browser, "console-token.png", tmp_path)
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "#auth button").click()
        assert until(lambda: text(browser, "db-version") ==
                     str(version["database"]["version"]))
        assert text(browser, "db-signatures") == "1"
        assert until(lambda: "public log: leaf" in text(browser,
                                                       "db-release"))
        assert text(browser, "db-update").startswith("fresh")
        assert until(lambda: str(taken) in text(browser, "quarantine"))
        # a detection through the API shows among the recent ones
        r = d.post("/v1/scan?name=from-the-api.com", data=EICAR,
                   headers=auth)
        assert r.json()["verdict"] == "infected"
        assert until(lambda: "from-the-api.com" in
                     text(browser, "detections"))
        # and where inside an archive it was
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("docs/readme.txt", "hello")
            z.writestr("docs/invoice.com", EICAR)
        r = d.post("/v1/scan?name=mail-attachment.zip", data=buf.getvalue(),
                   headers=auth)
        assert r.json()["verdict"] == "infected"
        assert until(lambda: "invoice.com" in text(browser, "detections"))
        # a file through the drop zone's chooser
        sample = tmp_path / "dropped-eicar.com"
        sample.write_bytes(EICAR)
        browser.find_element(By.ID, "file-input").send_keys(str(sample))
        assert until(lambda: "dropped-eicar.com" in
                     text(browser, "scan-results"))
        row = text(browser, "scan-results")
        assert "infected" in row and "Eicar-Signature" in row
        # and one dropped on the zone
        drop(browser, "dropped-on-the-zone.txt", "nothing bad in here")
        assert until(lambda: "dropped-on-the-zone.txt" in
                     text(browser, "scan-results"))
        assert "clean" in text(browser, "scan-results")
        time.sleep(2.5)  # a second sample for the chart
        shot(browser, "console.png", tmp_path)
        assert errors(browser) == []
        # without the token, no reload
        browser.execute_script("sessionStorage.clear()")
        browser.get(d.url + "/")
        assert until(lambda: "token" in text(browser, "message"))
        browser.find_element(By.ID, "reload").click()
        assert until(lambda: "Not reloaded" in text(browser, "message"))
        assert "asked over HTTP" not in d.logtext()
        r = requests.post(d.url + "/v1/reload", timeout=10)
        assert r.status_code == 401
    finally:
        d.stop()
