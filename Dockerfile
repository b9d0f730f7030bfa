# One image for the web site, the scheduler and the demo operators.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml README.md requirements.lock ./
# The pinned versions of every dependency first (a layer that changes with the lock
# only), then the project without resolving again.
RUN pip install -r requirements.lock
COPY tourscope ./tourscope
COPY models ./models
COPY migrations ./migrations
COPY crawler ./crawler
COPY webapp ./webapp
COPY sandbox ./sandbox
COPY alembic.ini scrapy.cfg ./
RUN pip install --no-deps -e .
RUN useradd --create-home tourscope && mkdir -p /app/var && chown tourscope /app/var
USER tourscope
EXPOSE 8000
CMD ["tourscope", "serve", "--host", "0.0.0.0"]
