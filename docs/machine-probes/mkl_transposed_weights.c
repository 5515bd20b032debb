/*
 * Few-row products y = x W^T against weights streamed from memory, through the oneMKL inside
 * libtorch_cpu.so, in the three forms at hand, in ms per 1024x1024 block of weights: linear's
 * (sgemm T,N on W as stored), the same weights stored transposed once (W^T contiguous, sgemm N,N:
 * the broadcast form GEMM kernels are built for) and the tall-skinny z = W x^T. Arguments: the
 * library, the number of matrices (40 x 1024 x 3072 = 480 MB per form), inputs, outputs. Run
 * (docs/benchmarks.md, session 18; the shim makes MKL's vendor check return 1, as Engines does):
 *
 * D=~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64
 * echo 'int mkl_serv_intel_cpu_true(void){return 1;}' > /tmp/shim.c && gcc -shared -fPIC -o /tmp/shim.so /tmp/shim.c
 * gcc -O2 docs/machine-probes/mkl_transposed_weights.c -o /tmp/wtprobe -ldl
 * OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE LD_LIBRARY_PATH=$D LD_PRELOAD=/tmp/shim.so /tmp/wtprobe $D/libtorch_cpu.so 40 1024 3072
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <dlfcn.h>
typedef void (*fgemm_t)(const char*,const char*,const int*,const int*,const int*,const float*,const float*,const int*,const float*,const int*,const float*,float*,const int*);
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  setvbuf(stdout,NULL,_IONBF,0);
  void*h=dlopen(argv[1],RTLD_NOW|RTLD_GLOBAL); if(!h){printf("%s\n",dlerror());return 1;}
  fgemm_t gemm=dlsym(h,"sgemm_");
  int K=atoi(argv[3]),N=atoi(argv[4]),NM=atoi(argv[2]);
  float**W=malloc(NM*sizeof(float*)); float**WT=malloc(NM*sizeof(float*));
  for(int i=0;i<NM;i++){W[i]=malloc((size_t)N*K*4); WT[i]=malloc((size_t)N*K*4);
    for(size_t j=0;j<(size_t)N*K;j++)W[i][j]=(float)((j*2654435761u)%1000)/1000.f-0.5f;
    for(size_t n=0;n<N;n++)for(size_t k=0;k<K;k++)WT[i][k*N+n]=W[i][n*K+k];}
  int rows[]={1,2,4,8,12,16,24,32,48,64};
  float*x=malloc(64*K*4),*y=malloc(64*N*4),*y2=malloc(64*N*4),*y3=malloc(64*N*4);
  for(int j=0;j<64*K;j++)x[j]=(float)(j%7)/7.f;
  float one=1,zero=0; double blocks=(double)NM*N*K/(1024.0*1024.0);
  for(int r=0;r<10;r++){int M=rows[r];
    double best[3]={1e9,1e9,1e9};
    for(int rep=0;rep<7;rep++){
      double t=now(); for(int i=0;i<NM;i++) gemm("T","N",&N,&M,&K,&one,W[i],&K,x,&K,&zero,y,&N); t=now()-t; if(t<best[0])best[0]=t;
      t=now(); for(int i=0;i<NM;i++) gemm("N","N",&N,&M,&K,&one,WT[i],&N,x,&K,&zero,y2,&N); t=now()-t; if(t<best[1])best[1]=t;
      t=now(); for(int i=0;i<NM;i++) gemm("T","N",&M,&N,&K,&one,x,&K,W[i],&K,&zero,y3,&M); t=now()-t; if(t<best[2])best[2]=t;
    }
    double d=0; for(int j=0;j<M*N;j++){double e=y[j]-y2[j]; if(e<0)e=-e; if(e>d)d=e;}
    printf("M=%2d linear(T,N) %.3f  WT(N,N) %.3f  tallskinny %.3f ms/block  maxdiff %.2g\n",M,best[0]*1e3/blocks,best[1]*1e3/blocks,best[2]*1e3/blocks,d);
  }
}
