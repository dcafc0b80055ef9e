"""The web application in a real browser (Debian's chromium + chromedriver, headless, selenium): a
city 填报员 logs in, downloads the blank form, uploads one with an error, sees the error table, uploads
the corrected form and sees it current in the history; the office sees it on the month's dashboard.
Screenshots of the main pages go to tests/screenshots/ (phone width for the city pages)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import CHECKOUT
from helpers import headless_chromium
from web_support import MONTH, PASSWORDS, add_standard_users, fill_form, make_project, stored_files

SHOTS = Path(__file__).parent / "screenshots"
PHONE, DESKTOP = (390, 844), (1200, 900)


def _chromium(download_dir: Path, profile_dir: Path):
    return headless_chromium(profile_dir, download_dir, lang="zh-CN")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path, keep_months):
    """The app of a temporary project served by uvicorn on a free 127.0.0.1 port, in a thread."""
    import uvicorn

    from reportgen.project import load_project
    from reportgen.web.app import create_app

    project = make_project(tmp_path / "project", keep_months)
    add_standard_users(project)
    app = create_app(load_project(project / "reportgen.yaml"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", project
    server.should_exit = True
    thread.join(10)
    CHECKOUT.activate()


@pytest.fixture
def server(tmp_path):
    yield from _serve(tmp_path, ("2021-04",))


@pytest.fixture
def server_with_may(tmp_path):
    """May 2021 of the sample submissions (all 13 cities), and May 2020 for the 同比 comparison."""
    yield from _serve(tmp_path, ("2020-05", "2021-05"))


def _shot(driver, name: str, size) -> None:
    SHOTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size[0], max(size[1], min(height + 100, 4000)))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(*size)


def _login(driver, base: str, name: str):
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORDS[name])
    driver.find_element(By.ID, "login").click()


def _text(driver) -> str:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    for _ in range(50):
        try:
            return driver.find_element(By.TAG_NAME, "body").text
        except (StaleElementReferenceException, NoSuchElementException, WebDriverException):
            # the page was being replaced (a click's new page, or a job page reloading itself)
            time.sleep(0.1)
    raise AssertionError("page never settled")


def _wait_for(driver, text: str, timeout: float = 20) -> str:
    """The page's text once it holds `text` (a click's new page may not have loaded yet)."""
    deadline = time.monotonic() + timeout
    while text not in (body := _text(driver)):
        assert time.monotonic() < deadline, f"“{text}” not on the page: {body[:500]}"
        time.sleep(0.1)
    return body


def test_city_uploads_and_office_sees_it(server, tmp_path):
    from selenium.webdriver.common.by import By

    base, project = server
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = _chromium(downloads, tmp_path / "chrome-profile")
    try:
        driver.set_window_size(*PHONE)
        driver.get(base + "/")
        assert "登录" in _text(driver)
        _shot(driver, "login-phone", PHONE)

        # a wrong password first: refused, in Chinese
        driver.find_element(By.ID, "name").send_keys("nanjing")
        driver.find_element(By.ID, "password").send_keys("not-the-password")
        driver.find_element(By.ID, "login").click()
        _wait_for(driver, "账号或密码错误")

        _login(driver, base, "nanjing")
        _wait_for(driver, "南京市 各月报送")
        assert "2021年5月" in _text(driver)
        _shot(driver, "city-months-phone", PHONE)
        driver.find_element(By.LINK_TEXT, "2021年5月").click()
        assert "本月尚未报送" in _wait_for(driver, "南京市 2021年5月报送")

        driver.find_element(By.ID, "download-form").click()
        deadline = time.monotonic() + 20
        expected = downloads / f"南京市{MONTH}报送表.xlsx"
        while not expected.is_file() or list(downloads.glob("*.crdownload")):
            assert time.monotonic() < deadline, f"form not downloaded: {list(downloads.iterdir())}"
            time.sleep(0.1)
        blank = expected.read_bytes()

        wrong = tmp_path / "南京市报送表-有错.xlsx"
        wrong.write_bytes(fill_form(blank, bad_city_pm25="35,2"))
        driver.find_element(By.ID, "file").send_keys(str(wrong))
        driver.find_element(By.ID, "upload").click()
        text = _wait_for(driver, "处错误，未保存")
        assert "报送表有1处错误，未保存" in text
        rows = driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
        cells = [c.text for c in rows[0].find_elements(By.TAG_NAME, "td")]
        assert f"文件“{wrong.name}”" in text
        assert cells[0] == "4" and cells[1].startswith("PM2.5浓度")
        assert "“35,2”含逗号" in cells[2] and "小数点请用“.”" in cells[2]
        # on a phone the reason is on screen, not pushed off it by the other columns
        reason = rows[0].find_elements(By.TAG_NAME, "td")[2]
        assert reason.rect["x"] + 40 < PHONE[0], reason.rect
        assert "本月尚未报送" in text and stored_files(project) == []
        _shot(driver, "city-upload-errors-phone", PHONE)

        right = tmp_path / "南京市报送表.xlsx"
        right.write_bytes(fill_form(blank, pm25="35.2"))
        driver.find_element(By.ID, "file").send_keys(str(right))
        driver.find_element(By.ID, "upload").click()
        text = _wait_for(driver, "已保存为第1版")
        values = [[c.text for c in r.find_elements(By.TAG_NAME, "td")]
                  for r in driver.find_elements(By.CSS_SELECTOR, "#values tbody tr")]
        assert values[0][:4] == ["南京市", "35.2", "25", "31"] and len(values) == 5
        history = [[c.text for c in r.find_elements(By.TAG_NAME, "td")]
                   for r in driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")]
        assert len(history) == 1 and history[0][0] == "第1版" and history[0][2] == "现行版本"
        _shot(driver, "city-upload-stored-phone", PHONE)

        # a second revision: the history shows both, the new one current
        right.write_bytes(fill_form(blank, pm25="36.0"))
        driver.find_element(By.ID, "file").send_keys(str(right))
        driver.find_element(By.ID, "upload").click()
        _wait_for(driver, "已保存为第2版")
        driver.get(base + f"/city/南京市/{MONTH}")
        history = [[c.text for c in r.find_elements(By.TAG_NAME, "td")]
                   for r in driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")]
        assert [h[0] for h in history] == ["第2版", "第1版"]
        assert history[0][2] == "现行版本" and history[1][2] == "已被第2版取代"
        _shot(driver, "city-history-phone", PHONE)
        assert len(stored_files(project)) == 2

        # another city's page by URL: refused
        driver.get(base + f"/city/苏州市/{MONTH}")
        _wait_for(driver, "无权访问苏州市的数据")

        # the city's own documents: none generated yet, and the page says so
        driver.get(base + "/city")
        driver.find_element(By.LINK_TEXT, "本市文件").click()
        _wait_for(driver, "还没有可下载的文件")
        _shot(driver, "city-files-phone", PHONE)

        driver.get(base + "/city")
        driver.find_element(By.CSS_SELECTOR, "button.link").click()   # 退出
        _wait_for(driver, "账号由省大气办")

        driver.set_window_size(*DESKTOP)
        _login(driver, base, "office")
        _wait_for(driver, "各月报送情况")
        driver.find_element(By.LINK_TEXT, "2021年5月").click()
        _wait_for(driver, "13个设区市中已报送1个")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#dashboard tbody tr")
                   if r.find_element(By.TAG_NAME, "td").text == "南京市")
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        assert cells[1].startswith("已报送") and cells[2] == "2" and cells[3] == "第2版"
        _shot(driver, "office-dashboard", DESKTOP)
        driver.set_window_size(*PHONE)
        _shot(driver, "office-dashboard-phone", PHONE)
        driver.set_window_size(*DESKTOP)
        # the city's revision as the diff report
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#dashboard tbody tr")
                   if r.find_element(By.TAG_NAME, "td").text == "南京市")
        row.find_element(By.CSS_SELECTOR, "button.link").click()
        _wait_for(driver, "生成修订说明", timeout=120)     # the report is shown once the job is done
        changes = [[c.text for c in r.find_elements(By.TAG_NAME, "td")]
                   for r in driver.find_elements(By.CSS_SELECTOR, "#diff-changes tbody tr")]
        assert ["2021年5月报送", "南京市", "PM2.5浓度", "35.2", "36"] == changes[0][:5] or \
            ["2021年5月报送", "南京市", "PM2.5浓度", "35.2", "36.0"] == changes[0][:5], changes[:2]
        _shot(driver, "office-diff", DESKTOP)
    finally:
        driver.quit()
    print(f"\nscreenshots: {SHOTS}")


def test_office_previews_the_bulletin_and_downloads_the_pdf(server_with_may, tmp_path):
    import urllib.request

    from helpers import pdf_text
    from selenium.webdriver.common.by import By

    base, project = server_with_may
    driver = _chromium(tmp_path / "downloads", tmp_path / "chrome-profile")
    try:
        driver.set_window_size(*DESKTOP)
        _login(driver, base, "office")
        _wait_for(driver, "各月报送情况")
        driver.get(base + f"/office/month/{MONTH}")
        assert "13个设区市中已报送13个" in _wait_for(driver, "报送情况")
        driver.find_element(By.ID, "build-bulletin").click()
        # the build runs in the background; its page reloads itself until it is done
        body = _wait_for(driver, "生成2021年5月通报")
        assert "进行中" in body or "已完成" in body
        if "进行中" in body:
            _shot(driver, "office-job-running", DESKTOP)
        _wait_for(driver, "已完成：已按现行数据生成2021年5月通报", timeout=180)
        _shot(driver, "office-job-done", DESKTOP)
        driver.find_element(By.ID, "job-result").click()
        _wait_for(driver, "2021年5月通报预览", timeout=30)
        frame = driver.find_element(By.CSS_SELECTOR, "iframe.preview")
        _shot(driver, "office-bulletin-preview", DESKTOP)
        driver.switch_to.frame(frame)
        assert "关于2021年5月全省环境空气质量状况的通报" in _text(driver)
        driver.switch_to.default_content()
        href = next(a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a")
                    if a.text.endswith(".pdf"))
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    finally:
        driver.quit()
    with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookies}), timeout=30) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        pdf = tmp_path / "bulletin.pdf"
        pdf.write_bytes(response.read())
    text = pdf_text(pdf)
    assert "关于2021年5月全省环境空气质量状况的通报" in text.replace(" ", "").replace("\n", "")
    # without the session the same address leads to the login page, not the file
    with urllib.request.urlopen(href, timeout=30) as response:
        assert response.url.endswith("/login") and b"%PDF" not in response.read()
