from django.urls import reverse


class FaviconTests:
    def test_path_is_root_favicon(self):
        assert reverse("core:favicon") == "/favicon.ico"

    def test_redirects_to_svg_without_login(self, client, db):
        response = client.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"].endswith("/seoassist/img/favicon.svg")

    def test_svg_is_served(self, client, db):
        location = client.get("/favicon.ico")["Location"]
        response = client.get(location)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
