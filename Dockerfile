# perfdash in one image: the web (default command), the worker and the release step.
#   docker build -t perfdash .
#   docker run -e DATABASE_URL=... -e PERFDASH_SECRET_KEY=... -p 8000:8000 perfdash
#   docker run -e DATABASE_URL=... -e REDIS_URL=... perfdash python -m perfdash worker --beat
#   docker run -e DATABASE_URL=... perfdash python -m perfdash db upgrade
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8000
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN pip install --no-cache-dir --no-deps . && useradd --system --no-create-home perfdash
USER perfdash
EXPOSE 8000
CMD ["sh", "-c", "exec gunicorn app:server --workers ${WEB_CONCURRENCY:-3} --bind 0.0.0.0:$PORT --timeout 120 --access-logfile -"]
